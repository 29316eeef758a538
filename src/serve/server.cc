#include "earshot/serve/server.h"

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "earshot/data/clip_length.h"
#include "earshot/eval/metrics.h"
#include "earshot/inference/prediction_formats.h"
#include "earshot/inference/predictor.h"
#include "earshot/serve/metrics.h"
#include "earshot/stream/detector.h"
#include "earshot/stream/stream_frontend.h"
#include "earshot/training/trainer.h"
#include "earshot/util/error.h"
#include "earshot/util/options.h"

namespace earshot::serve {
namespace {

using ordered_json = nlohmann::ordered_json;

constexpr const char* kClassify = "/v1/classify";
constexpr const char* kDetect = "/v1/detect";
constexpr const char* kModels = "/v1/models";
constexpr const char* kHealth = "/healthz";
constexpr const char* kMetrics = "/metrics";
constexpr const char* kEndpoints =
    "POST /v1/classify, POST /v1/detect, GET /v1/models, GET /healthz, GET /metrics";

bool ValidName(const std::string& name) {
  if (name.empty()) return false;
  for (unsigned char c : name) {
    if (!std::isalnum(c) && c != '.' && c != '_' && c != '-') return false;
  }
  return true;
}

// A bundle's name from its path: the trainer's best/last.bundle by their run
// (and model folder, unless it is the single model's "model"), any other by
// its stem.
std::string NameOf(const std::string& path) {
  namespace fs = std::filesystem;
  const fs::path p = fs::absolute(path).lexically_normal();
  const std::string stem = p.stem().string();
  if (stem != "best" && stem != "last") return stem;
  const std::string folder = p.parent_path().filename().string();
  const std::string run = p.parent_path().parent_path().filename().string();
  std::string name = folder == "model" ? run : run + "-" + folder;
  if (run.empty()) name = folder;
  return stem == "last" ? name + "-last" : name;
}

std::string Json(const ordered_json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

// The sound of a request (its body, or the multipart part holding the
// file) as mono float at `rate`: DecodeUpload's rules.
std::vector<float> DecodeBody(const httplib::Request& req, const ClassifyQuery& q, int rate,
                              const UploadLimits& limits, AudioInfo* info) {
  const UploadBytes upload = ChooseUpload(req.body, req.get_header_value("Content-Type"),
                                          req.is_multipart_form_data(), req.files);
  return DecodeUpload(*upload.body, upload.content_type, q, rate, limits, info);
}

void SetError(httplib::Response& res, int status, const std::string& message) {
  res.status = status;
  res.set_content(ErrorJson(message), "application/json");
}

// httplib listens with a backlog of 5 (compiled into Debian's library):
// a burst of connections beyond that waits for SYN retries (1 s, 3 s). Its
// socket is reachable from a subclass, and listen() again raises the backlog.
class HttpServer : public httplib::Server {
 public:
  void RaiseBacklog() {
    const socket_t sock = svr_sock_;
    if (sock != INVALID_SOCKET) ::listen(sock, SOMAXCONN);
  }
};

// The start of the request a worker thread is answering, for the latency
// histogram (set before routing, read by the logger once the answer is written).
thread_local std::chrono::steady_clock::time_point request_start{};

}  // namespace

void ServeOptions::Validate() const {
  batch.Validate();
  if (host.empty()) ThrowOption("--host should be an address to listen on (127.0.0.1, 0.0.0.0). Given: ''");
  if (port < 0 || port > 65535) ThrowOption("--port should be in [0, 65535] (0: any free port). Given: " + std::to_string(port));
  if (threads < 1 || threads > 4096) ThrowOption("--threads should be in [1, 4096]. Given: " + std::to_string(threads));
  if (limits.max_body_bytes < 1) ThrowOption("--max-body-bytes should be >= 1. Given: 0");
  if (!(limits.max_audio_seconds > 0)) {
    ThrowOption("--max-audio-seconds should be > 0. Given: " + std::to_string(limits.max_audio_seconds));
  }
  for (const auto& [name, value] : {std::pair<const char*, double>{"--read-timeout", read_timeout},
                                    {"--write-timeout", write_timeout}}) {
    if (!(value > 0) || value > 3600) ThrowOption(std::string(name) + " should be in (0, 3600] seconds. Given: " + std::to_string(value));
  }
  if (!(keep_alive_timeout >= 1) || keep_alive_timeout > 3600) {
    ThrowOption("--keep-alive-timeout should be in [1, 3600] seconds. Given: " + std::to_string(keep_alive_timeout));
  }
  if (keep_alive_max < 1) ThrowOption("--keep-alive-max should be >= 1. Given: " + std::to_string(keep_alive_max));
  if (top_k < 1) ThrowOption("--top-k should be >= 1. Given: " + std::to_string(top_k));
}

std::vector<ModelSpec> NameModels(const std::vector<std::string>& args) {
  if (args.empty()) ThrowOption("give at least one model bundle (PATH or NAME=PATH)");
  std::vector<ModelSpec> out;
  std::map<std::string, std::string> seen;
  for (const std::string& a : args) {
    ModelSpec m;
    const size_t eq = a.find('=');
    if (eq != std::string::npos) {
      m.name = a.substr(0, eq);
      m.path = a.substr(eq + 1);
    } else {
      m.path = a;
      m.name = NameOf(a);
    }
    if (m.path.empty()) ThrowOption("'" + a + "': give the bundle's path after NAME=");
    if (!ValidName(m.name)) {
      ThrowOption("'" + a + "': model name '" + m.name + "' should be letters, digits and ._- only: name it with NAME=PATH");
    }
    const auto [it, fresh] = seen.emplace(m.name, m.path);
    if (!fresh) {
      ThrowOption(it->second + " and " + m.path + " would both be served as '" + m.name +
                  "': name them with NAME=PATH");
    }
    out.push_back(m);
  }
  return out;
}

struct Server::Impl {
  struct Model {
    std::string name;
    std::unique_ptr<Predictor> predictor;
    std::unique_ptr<Batcher> batcher;
    std::string stream_error;  // why the bundle's front end cannot stream; "" when it can
  };

  ServeOptions options;
  std::vector<Model> models;  // in the order given
  std::unique_ptr<Metrics> metrics;
  HttpServer http;
  int port = -1;
  std::atomic<bool> running{false};
  std::atomic<bool> stop_requested{false};

  const Model& Find(const std::string& name) const;
  void Classify(const httplib::Request& req, httplib::Response& res) const;
  void Detect(const httplib::Request& req, httplib::Response& res) const;
  std::string ModelsJson() const;
  void Routes();
};

const Server::Impl::Model& Server::Impl::Find(const std::string& name) const {
  std::string known;
  for (const Model& m : models) known += (known.empty() ? "" : ", ") + m.name;
  if (name.empty()) {
    if (models.size() == 1) return models.front();
    throw RequestError(400, "several models are served: add model=NAME to the query (one of " + known + ")");
  }
  for (const Model& m : models) {
    if (m.name == name) return m;
  }
  throw RequestError(404, "unknown model '" + name + "': served are " + known);
}

void Server::Impl::Classify(const httplib::Request& req, httplib::Response& res) const {
  const ClassifyQuery q = ParseClassifyQuery(req.params, options.top_k);
  const Model& model = Find(q.model);
  const Predictor& p = *model.predictor;

  AudioInfo info;
  std::vector<float> samples = DecodeBody(req, q, p.sample_rate(), options.limits, &info);
  const int64_t n = static_cast<int64_t>(samples.size());
  const ClipScores scores = model.batcher->Submit(std::move(samples));

  const std::vector<std::string>& labels = p.labels();
  const int classes = static_cast<int>(labels.size());
  const auto probabilities = [&](const float* row) {
    ordered_json o = ordered_json::object();
    for (int c = 0; c < classes; ++c) o[labels[static_cast<size_t>(c)]] = row[c];
    return o;
  };
  ordered_json out;
  out["model"] = model.name;
  ordered_json top = ordered_json::array();
  for (int c : eval::RankedClasses(scores.probabilities.data(), classes, q.top_k)) {
    top.push_back({{"label", labels[static_cast<size_t>(c)]}, {"probability", scores.probabilities[static_cast<size_t>(c)]}});
  }
  out["top"] = top;
  out["probabilities"] = probabilities(scores.probabilities.data());
  out["duration"] = info.duration;
  out["sample_rate"] = info.sample_rate;
  if (scores.window_count > 1) {
    const double rate = p.sample_rate();
    const double window = static_cast<double>(p.window_samples()) / rate;
    ordered_json windows = ordered_json::array();
    const std::vector<int64_t> starts = WindowStarts(n, p.window_samples(), p.hop_samples());
    for (int64_t w = 0; w < scores.window_count; ++w) {
      const double start = static_cast<double>(starts[static_cast<size_t>(w)]) / rate;
      windows.push_back({{"start", start}, {"end", start + window},
                         {"probabilities", probabilities(scores.windows.data() + w * classes)}});
    }
    out["windows"] = windows;
  }
  res.set_content(Json(out), "application/json");
}

// The query of POST /v1/detect: model, format and rate as for classify
// (ParseClassifyQuery), the rest detector settings (ApplyStreamSetting:
// stride_ms, the smoothing keys, threshold.LABEL), each a 400 naming it.
void Server::Impl::Detect(const httplib::Request& req, httplib::Response& res) const {
  std::multimap<std::string, std::string> audio_params;
  StreamOptions stream;
  std::map<std::string, double> thresholds;
  for (const auto& [name, value] : req.params) {
    if (name == "model" || name == "format" || name == "rate") {
      audio_params.emplace(name, value);
      continue;
    }
    if (req.params.count(name) > 1) throw RequestError(400, "query parameter " + name + " is given more than once");
    if (name == "batch_size" || name == "top_k") {
      throw RequestError(400, "query parameter " + name + " is not one of /v1/detect: known are model, format, rate, "
                              "stride_ms, average_window_ms, detection_threshold, suppression_ms, minimum_count, "
                              "label_change, threshold.LABEL");
    }
    try {
      ApplyStreamSetting(name, value, &stream, &thresholds);
    } catch (const Error& e) {
      throw RequestError(400, "query parameter " + name + ": " + e.what() +
                                  " (/v1/detect takes model, format, rate, stride_ms, average_window_ms, "
                                  "detection_threshold, suppression_ms, minimum_count, label_change, threshold.LABEL)");
    }
  }
  const ClassifyQuery q = ParseClassifyQuery(audio_params);
  const Model& model = Find(q.model);
  if (!model.stream_error.empty()) {
    throw RequestError(422, "model '" + model.name + "' cannot run as a stream detector: " + model.stream_error);
  }
  const Predictor& p = *model.predictor;
  // A fresh detector per request over the model the server holds: requests
  // share the loaded bundle (read-only), no stream state.
  std::unique_ptr<StreamingDetector> detector;
  try {
    detector = std::make_unique<StreamingDetector>(p.bundle(), stream, thresholds);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::kInvalidOption) throw;
    // The stride (not a multiple of the hop) or a threshold's label.
    throw RequestError(400, "query of model '" + model.name + "': " + e.what());
  }
  AudioInfo info;
  const std::vector<float> samples = DecodeBody(req, q, detector->sample_rate(), options.limits, &info);
  ordered_json events = ordered_json::array();
  for (const StreamEvent& e : detector->Push(samples)) {
    events.push_back({{"start_ms", e.start_ms}, {"end_ms", e.end_ms}, {"label", e.label}, {"score", e.score}});
  }
  ordered_json out;
  out["model"] = model.name;
  out["duration_ms"] = static_cast<double>(samples.size()) * 1000.0 / detector->sample_rate();
  out["sample_rate"] = detector->sample_rate();
  out["stride_ms"] = static_cast<double>(detector->stride_samples()) * 1000.0 / detector->sample_rate();
  out["events"] = events;
  res.set_content(Json(out), "application/json");
}

std::string Server::Impl::ModelsJson() const {
  ordered_json list = ordered_json::array();
  for (const Model& m : models) {
    const Predictor& p = *m.predictor;
    const BundleInfo& info = p.info();
    ordered_json j;
    j["name"] = m.name;
    j["path"] = p.path();
    j["labels"] = p.labels();
    j["task"] = info.task;
    j["output"] = info.output;
    j["sample_rate"] = p.sample_rate();
    j["window_seconds"] = static_cast<double>(p.window_samples()) / p.sample_rate();
    j["hop_seconds"] = static_cast<double>(p.hop_samples()) / p.sample_rate();
    j["features"] = ordered_json::parse(ToJson(info.features));
    j["model"] = ordered_json::parse(ToJson(info.model));
    const ordered_json provenance = info.provenance_json.empty() ? ordered_json::object()
                                                                  : ordered_json::parse(info.provenance_json, nullptr, false);
    j["provenance"] = provenance.is_discarded() ? ordered_json::object() : provenance;
    // The detection thresholds per label the bundle carries (stream/), {} when none.
    j["thresholds"] = ordered_json::object();
    for (const auto& [label, value] : info.thresholds) j["thresholds"][label] = value;
    list.push_back(j);
  }
  return Json(ordered_json{{"models", list}});
}

void Server::Impl::Routes() {
  const auto guarded = [this](void (Impl::*handler)(const httplib::Request&, httplib::Response&) const) {
    return [this, handler](const httplib::Request& req, httplib::Response& res) {
      try {
        (this->*handler)(req, res);
      } catch (const RequestError& e) {
        SetError(res, e.status(), e.what());
      } catch (const Error& e) {
        // Bad input the library recognised is the client's; the rest is ours.
        SetError(res, e.kind() == ErrorKind::kBadData ? 400 : 500, e.what());
      } catch (const std::exception& e) {
        SetError(res, 500, std::string("server error: ") + e.what());
      }
    };
  };
  http.Post(kClassify, guarded(&Impl::Classify));
  http.Post(kDetect, guarded(&Impl::Detect));
  http.Get(kModels, [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(ModelsJson(), "application/json");
  });
  http.Get(kHealth, [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(Json(ordered_json{{"status", "ok"}, {"models", models.size()}}), "application/json");
  });
  http.Get(kMetrics, [this](const httplib::Request&, httplib::Response& res) {
    std::vector<Metrics::ModelLoad> load;
    for (const Model& m : models) load.push_back({m.name, m.batcher->queued(), m.batcher->running()});
    res.set_content(metrics->Prometheus(load), "text/plain; version=0.0.4");
  });
  // A known path with the wrong method.
  const auto wrong_method = [](const char* allowed) {
    return [allowed](const httplib::Request& req, httplib::Response& res) {
      res.set_header("Allow", allowed);
      SetError(res, 405, req.method + " " + req.path + ": use " + allowed);
    };
  };
  for (const char* path : {kClassify, kDetect}) http.Get(path, wrong_method("POST"));
  for (const char* path : {kModels, kHealth, kMetrics}) http.Post(path, wrong_method("GET"));

  http.set_pre_routing_handler([](const httplib::Request&, httplib::Response&) {
    request_start = std::chrono::steady_clock::now();
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // Refusals httplib makes itself (no route, a body over the limit, a body
  // that could not be read) get the same JSON body as ours.
  http.set_error_handler(httplib::Server::HandlerWithResponse([this](const httplib::Request& req,
                                                                      httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    std::string message;
    if (res.status == 404) {
      message = "no endpoint " + req.method + " " + req.path + ": the endpoints are " + kEndpoints;
    } else if (res.status == 413) {
      message = "the body is over the limit of " + std::to_string(options.limits.max_body_bytes) +
                " bytes (--max-body-bytes)";
    } else if (res.status == 400 && req.has_header("Content-Length") &&
               req.body.size() < req.get_header_value<uint64_t>("Content-Length")) {
      res.status = 408;
      message = "the body ended after " + std::to_string(req.body.size()) + " of " +
                req.get_header_value("Content-Length") +
                " bytes: the client closed the connection or sent nothing for the read timeout (--read-timeout " +
                std::to_string(options.read_timeout) + " s)";
    } else {
      message = "the request could not be read (HTTP " + std::to_string(res.status) + ")";
    }
    SetError(res, res.status, message);
    return httplib::Server::HandlerResponse::Handled;
  }));
  http.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr e) {
    std::string what = "unknown exception";
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& x) {
      what = x.what();
    } catch (...) {
    }
    SetError(res, 500, "server error: " + what);
  });
  http.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
    double seconds = -1.0;
    if (request_start != std::chrono::steady_clock::time_point{}) {
      seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - request_start).count();
      request_start = {};
    }
    metrics->CountRequest(req.path, res.status, seconds);
  });
}

Server::Server(const std::vector<ModelSpec>& specs, const ServeOptions& options) : impl_(std::make_unique<Impl>()) {
  options.Validate();
  Impl& m = *impl_;
  m.options = options;
  std::vector<std::string> names;
  for (const ModelSpec& s : specs) names.push_back(s.name);
  m.metrics = std::make_unique<Metrics>(std::vector<std::string>{kClassify, kDetect, kModels, kHealth, kMetrics}, names);
  PredictorOptions po;
  po.batch_size = std::max(32, options.batch.max_batch);
  for (const ModelSpec& s : specs) {
    Impl::Model model;
    model.name = s.name;
    model.predictor = std::make_unique<Predictor>(s.path, po);
    const Predictor* p = model.predictor.get();
    try {
      StreamFrontEnd check(p->info().features);
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::kInvalidOption) throw;
      model.stream_error = e.what();
    }
    Metrics* metrics = m.metrics.get();
    const std::string name = s.name;
    model.batcher = std::make_unique<Batcher>(
        [p](const std::vector<std::vector<float>>& clips) {
          std::vector<std::vector<float>> windows;
          const std::vector<float> rows = p->PredictClips(clips, &windows);
          const size_t classes = p->labels().size();
          std::vector<ClipScores> out(clips.size());
          for (size_t i = 0; i < clips.size(); ++i) {
            out[i].probabilities.assign(rows.begin() + static_cast<std::ptrdiff_t>(i * classes),
                                        rows.begin() + static_cast<std::ptrdiff_t>((i + 1) * classes));
            out[i].window_count = static_cast<int64_t>(windows[i].size() / classes);
            out[i].windows = std::move(windows[i]);
          }
          return out;
        },
        options.batch, [metrics, name](int clips) { metrics->CountBatch(name, clips); },
        // OpenMP's thread count is per thread: the program's, on this one too.
        [threads = ComputeThreads()] { SetComputeThreads(threads); });
    m.models.push_back(std::move(model));
  }
  const int threads = options.threads;
  m.http.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  const auto seconds = [](double s) { return static_cast<time_t>(std::floor(s)); };
  const auto micros = [](double s) { return static_cast<time_t>(std::lround((s - std::floor(s)) * 1e6)); };
  m.http.set_read_timeout(seconds(options.read_timeout), micros(options.read_timeout));
  m.http.set_write_timeout(seconds(options.write_timeout), micros(options.write_timeout));
  m.http.set_keep_alive_timeout(seconds(options.keep_alive_timeout));
  m.http.set_keep_alive_max_count(static_cast<size_t>(options.keep_alive_max));
  m.http.set_payload_max_length(options.limits.max_body_bytes);
  m.http.set_tcp_nodelay(true);
  m.Routes();
}

Server::~Server() {
  Stop();
}

int Server::Bind() {
  Impl& m = *impl_;
  const std::string address = m.options.host + ":" + std::to_string(m.options.port);
  if (m.options.port == 0) {
    m.port = m.http.bind_to_any_port(m.options.host);
  } else {
    m.port = m.http.bind_to_port(m.options.host, m.options.port) ? m.options.port : -1;
  }
  if (m.port < 0) ThrowIo(address + ": cannot listen there (address in use, or not an address of this machine)");
  m.http.RaiseBacklog();
  return m.port;
}

void Server::Run() {
  Impl& m = *impl_;
  if (m.port < 0) Bind();
  m.running = true;
  if (!m.stop_requested) m.http.listen_after_bind();
  m.running = false;
}

void Server::Stop() {
  Impl& m = *impl_;
  m.stop_requested = true;
  // Run may be between its check and httplib's loop: wait for the loop, so
  // that the stop reaches it.
  while (m.running && !m.http.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  m.http.stop();
}

std::vector<std::string> Server::model_names() const {
  std::vector<std::string> names;
  for (const auto& m : impl_->models) names.push_back(m.name);
  return names;
}

}  // namespace earshot::serve
