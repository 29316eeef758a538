// The HTTP server in process (serve/server.h) against a tiny bundle trained
// at test time: every endpoint's answers checked against the Predictor on
// the same sound, every malformed request refused with a 4xx JSON error
// while the server keeps serving, batched requests against single ones.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <regex>
#include <thread>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "../raw_http.h"
#include "../temp_dir.h"
#include "earshot/audio/decode.h"
#include "earshot/inference/bundle.h"
#include "earshot/inference/predictor.h"
#include "earshot/serve/batcher.h"
#include "earshot/serve/metrics.h"
#include "earshot/serve/request.h"
#include "earshot/serve/server.h"
#include "earshot/stream/detector.h"
#include "earshot/training/trainer.h"
#include "earshot/util/error.h"
#include "earshot/util/files.h"
#include "tone_bundles.h"

namespace earshot {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using serve::ServeOptions;
constexpr int kRate = testing::kToneRate;

// A server on a free port of 127.0.0.1, run by a thread of its own.
class RunningServer {
 public:
  RunningServer(const std::vector<serve::ModelSpec>& models, ServeOptions options) {
    options.port = 0;
    server_ = std::make_unique<serve::Server>(models, options);
    port_ = server_->Bind();
    thread_ = std::thread([this] { server_->Run(); });
  }
  ~RunningServer() {
    server_->Stop();
    thread_.join();
  }
  int port() const { return port_; }
  httplib::Client Client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(30, 0);
    return c;
  }

 private:
  std::unique_ptr<serve::Server> server_;
  int port_ = 0;
  std::thread thread_;
};

std::string Bytes(const std::vector<float>& x, bool float_samples = false) {
  return EncodeWav(x, kRate, float_samples);
}

class ServeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(testing::ScratchDir("serve"));
    fs::remove_all(*dir_);
    testing::WriteToneSet(*dir_ / "data", {{"high", 1800.0}, {"low", 300.0}, {"mid", 900.0}});
    for (int seed : {1, 2}) {
      TrainRecipe(testing::TinyRecipe((*dir_ / "data").string(), seed),
                  (*dir_ / ("run" + std::to_string(seed))).string(), false);
    }
    // dB relative to each clip's maximum: a front end that cannot stream.
    RecipeOptions clip_max = testing::TinyRecipe((*dir_ / "data").string(), 3);
    ApplySetting(clip_max, "features.scale=db");
    ApplySetting(clip_max, "features.db_ref=max");
    TrainRecipe(clip_max, (*dir_ / "clipmax").string(), false);
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
  }
  static std::string BundlePath(int seed) {
    return (*dir_ / ("run" + std::to_string(seed)) / "model" / "best.bundle").string();
  }
  static std::string Wav(const std::string& id) { return (*dir_ / "data" / id).string(); }
  static fs::path* dir_;
};
fs::path* ServeTest::dir_ = nullptr;

// GET /metrics until every one of `needles` shows, for at most 10 s. A
// request is counted by the thread that answered it, just after the answer
// is written, so the client may ask before the counts of its last requests;
// on a loaded machine that thread can be held back while later requests,
// served by other threads, are answered and counted.
std::string MetricsWith(httplib::Client& c, const std::vector<std::string>& needles) {
  const auto all_shown = [&](const std::string& body) {
    for (const auto& n : needles)
      if (body.find(n) == std::string::npos) return false;
    return true;
  };
  std::string body;
  for (int i = 0; i < 500 && (body.empty() || !all_shown(body)); ++i) {
    if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const auto r = c.Get("/metrics");
    if (r && r->status == 200) body = r->body;
  }
  return body;
}

// The counts of `needles` all shown in /metrics, each reported on its own.
std::string ExpectMetrics(httplib::Client& c, const std::vector<std::string>& needles) {
  const std::string m = MetricsWith(c, needles);
  for (const auto& n : needles) EXPECT_NE(m.find(n), std::string::npos) << "missing: " << n << "\n" << m;
  return m;
}

std::vector<float> Probabilities(const json& answer, const std::vector<std::string>& labels) {
  std::vector<float> out;
  for (const auto& l : labels) out.push_back(answer.at("probabilities").at(l).get<float>());
  return out;
}

void ExpectNear(const std::vector<float>& got, const std::vector<float>& want, double tolerance,
                const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], tolerance) << what << " class " << i;
}

// Answers an error as the JSON {"error": ...} with a 4xx status naming `words`.
void ExpectError(const httplib::Result& r, int status, std::initializer_list<const char*> words) {
  ASSERT_TRUE(r) << "no answer: " << httplib::to_string(r.error());
  EXPECT_EQ(r->status, status) << r->body;
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
  const json j = json::parse(r->body, nullptr, false);
  ASSERT_TRUE(j.is_object() && j.contains("error")) << r->body;
  const std::string message = j["error"].get<std::string>();
  for (const char* w : words) EXPECT_NE(message.find(w), std::string::npos) << "'" << w << "' not in: " << message;
}

TEST_F(ServeTest, ClassifyAnswersAsThePredictorDoes) {
  Predictor p(BundlePath(1));
  RunningServer server({{"tones", BundlePath(1)}}, ServeOptions{});
  httplib::Client c = server.Client();
  for (const char* id : {"high/c0_nohash_0.wav", "low/c3_nohash_0.wav", "mid/c5_nohash_0.wav"}) {
    SCOPED_TRACE(id);
    const std::vector<float> want = p.PredictFile(Wav(id));
    const std::string wav = ReadFile(Wav(id));
    // The file as the body.
    auto r = c.Post("/v1/classify?top_k=2", wav, "audio/wav");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    const json j = json::parse(r->body);
    EXPECT_EQ(j["model"], "tones");
    ExpectNear(Probabilities(j, p.labels()), want, 1e-6, "wav body");
    ASSERT_EQ(j["top"].size(), 2u);
    const int best = static_cast<int>(std::max_element(want.begin(), want.end()) - want.begin());
    EXPECT_EQ(j["top"][0]["label"], p.labels()[static_cast<size_t>(best)]);
    EXPECT_NEAR(j["top"][0]["probability"].get<float>(), want[static_cast<size_t>(best)], 1e-6);
    EXPECT_GE(j["top"][0]["probability"].get<float>(), j["top"][1]["probability"].get<float>());
    EXPECT_DOUBLE_EQ(j["duration"].get<double>(), 1.0);
    EXPECT_FALSE(j.contains("windows"));  // one window
    // As a multipart/form-data file.
    httplib::MultipartFormDataItems items{{"file", wav, "clip.wav", "audio/wav"}};
    r = c.Post("/v1/classify", items);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    ExpectNear(Probabilities(json::parse(r->body), p.labels()), want, 1e-6, "multipart");
    EXPECT_EQ(json::parse(r->body)["top"].size(), 3u);  // the default 5, capped at 3 labels
    // As raw PCM: the decoded samples as s16le (the file's own 16-bit values) and f32le.
    const std::vector<float> x = DecodeFile(Wav(id));
    std::string s16(x.size() * 2, '\0'), f32(x.size() * 4, '\0');
    for (size_t i = 0; i < x.size(); ++i) {
      const auto v = static_cast<int16_t>(std::lround(x[i] * 32768.0f));
      s16[2 * i] = static_cast<char>(v & 0xff);
      s16[2 * i + 1] = static_cast<char>((v >> 8) & 0xff);
      std::memcpy(&f32[4 * i], &x[i], 4);  // little-endian host
    }
    r = c.Post("/v1/classify?format=s16le&rate=8000", s16, "application/octet-stream");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    ExpectNear(Probabilities(json::parse(r->body), p.labels()), want, 1e-6, "s16le");
    r = c.Post("/v1/classify?format=f32le&rate=8000", f32, "application/octet-stream");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    ExpectNear(Probabilities(json::parse(r->body), p.labels()), want, 1e-6, "f32le");
  }
}

TEST_F(ServeTest, ResampledAndLongClipsGiveThePredictorsWindows) {
  Predictor p(BundlePath(1));
  RunningServer server({{"tones", BundlePath(1)}}, ServeOptions{});
  httplib::Client c = server.Client();
  // 16 kHz upload, 8 kHz model: resampled as DecodeFile resamples.
  const std::string wide = (testing::ScratchDir("serve") / "wide.wav").string();
  std::vector<float> x16(16000);
  for (size_t i = 0; i < x16.size(); ++i) x16[i] = static_cast<float>(0.3 * std::sin(2 * M_PI * 300.0 * i / 16000));
  WriteWav(wide, x16, 16000);
  auto r = c.Post("/v1/classify", ReadFile(wide), "audio/wav");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(json::parse(r->body)["sample_rate"], 16000);
  ExpectNear(Probabilities(json::parse(r->body), p.labels()), p.PredictFile(wide), 1e-6, "16 kHz");

  // 3 s: low, high, silence -> 5 windows 0.5 s apart, each as the predictor scores it.
  std::vector<float> x = testing::Tone(300.0, kRate, 0.0);
  const auto hi = testing::Tone(1800.0, kRate, 0.0);
  x.insert(x.end(), hi.begin(), hi.end());
  x.resize(3 * kRate, 0.f);
  const std::string wav = Bytes(x, true);
  r = c.Post("/v1/classify", wav, "audio/x-wav");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const json j = json::parse(r->body);
  int64_t count = 0;
  const std::vector<float> w = p.WindowProbabilities(x.data(), 3 * kRate, &count);
  ASSERT_EQ(count, 5);
  ASSERT_EQ(j["windows"].size(), 5u) << r->body;
  for (int k = 0; k < 5; ++k) {
    EXPECT_DOUBLE_EQ(j["windows"][k]["start"].get<double>(), 0.5 * k);
    EXPECT_DOUBLE_EQ(j["windows"][k]["end"].get<double>(), 0.5 * k + 1.0);
    ExpectNear(Probabilities(j["windows"][k], p.labels()), std::vector<float>(w.begin() + k * 3, w.begin() + k * 3 + 3),
               1e-6, "window " + std::to_string(k));
  }
  ExpectNear(Probabilities(j, p.labels()), p.PredictSamples(x), 1e-6, "3 s clip");
}

TEST_F(ServeTest, SeveralModelsModelsHealthAndMetrics) {
  // The second model carries detection thresholds, which /v1/models shows.
  const std::string with_thresholds = (*dir_ / "thresholds.bundle").string();
  {
    Bundle copy = LoadBundle(BundlePath(2));
    copy.info.thresholds = {{"high", 0.85}, {"low", 0.6}};
    SaveBundle(with_thresholds, copy.info, *copy.model);
  }
  Predictor a(BundlePath(1)), b(with_thresholds);
  RunningServer server(serve::NameModels({BundlePath(1), "second=" + with_thresholds}), ServeOptions{});
  httplib::Client c = server.Client();
  const std::string wav = ReadFile(Wav("mid/c1_nohash_0.wav"));
  auto r = c.Post("/v1/classify?model=run1", wav, "audio/wav");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  ExpectNear(Probabilities(json::parse(r->body), a.labels()), a.PredictFile(Wav("mid/c1_nohash_0.wav")), 1e-6, "run1");
  r = c.Post("/v1/classify?model=second", wav, "audio/wav");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  ExpectNear(Probabilities(json::parse(r->body), b.labels()), b.PredictFile(Wav("mid/c1_nohash_0.wav")), 1e-6, "second");
  // With two models the query must name one.
  ExpectError(c.Post("/v1/classify", wav, "audio/wav"), 400, {"model=NAME", "run1", "second"});

  r = c.Get("/v1/models");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  const json models = json::parse(r->body)["models"];
  ASSERT_EQ(models.size(), 2u);
  EXPECT_EQ(models[0]["name"], "run1");
  EXPECT_EQ(models[1]["name"], "second");
  EXPECT_EQ(models[0]["labels"], json(a.labels()));
  EXPECT_EQ(models[0]["sample_rate"], 8000);
  EXPECT_EQ(models[0]["output"], "softmax");
  EXPECT_DOUBLE_EQ(models[0]["window_seconds"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(models[0]["hop_seconds"].get<double>(), 0.5);
  EXPECT_EQ(models[0]["features"]["n_mels"], 20);
  EXPECT_EQ(models[0]["model"]["name"], "seed003_dummy_2d");
  EXPECT_EQ(models[0]["provenance"]["seed"], json::parse(a.info().provenance_json)["seed"]);
  EXPECT_EQ(models[0]["thresholds"], json::object());  // none in this bundle
  EXPECT_EQ(models[1]["thresholds"], (json{{"high", 0.85}, {"low", 0.6}}));

  r = c.Get("/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(json::parse(r->body)["status"], "ok");

  const std::string m = ExpectMetrics(
      c, {"earshot_requests_total{endpoint=\"/v1/classify\",status=\"200\"} 2\n",
          "earshot_requests_total{endpoint=\"/v1/classify\",status=\"400\"} 1\n",
          "earshot_requests_total{endpoint=\"/v1/models\",status=\"200\"} 1\n",
          "earshot_requests_total{endpoint=\"/healthz\",status=\"200\"} 1\n",
          "earshot_errors_total{endpoint=\"/v1/classify\",kind=\"client\"} 1\n",
          "earshot_request_seconds_count{endpoint=\"/v1/classify\"} 3\n",
          "earshot_request_seconds_bucket{endpoint=\"/v1/classify\",le=\"+Inf\"} 3\n",
          "earshot_batch_size_count{model=\"run1\"} 1\n",
          "earshot_batch_size_bucket{model=\"second\",le=\"1\"} 1\n"});
  EXPECT_NE(m.find("# TYPE earshot_request_seconds histogram"), std::string::npos) << m;
}

TEST_F(ServeTest, MalformedRequestsGetA4xxJsonErrorAndTheServerKeepsServing) {
  Predictor p(BundlePath(1));
  ServeOptions o;
  o.limits.max_body_bytes = 40000;
  o.limits.max_audio_seconds = 2.0;
  o.read_timeout = 0.5;
  RunningServer server({{"tones", BundlePath(1)}}, o);
  httplib::Client c = server.Client();
  const std::string good = ReadFile(Wav("low/c2_nohash_0.wav"));
  const std::vector<float> want = p.PredictFile(Wav("low/c2_nohash_0.wav"));
  const auto still_serves = [&](const std::string& after) {
    const auto r = c.Post("/v1/classify", good, "audio/wav");
    ASSERT_TRUE(r) << after;
    ASSERT_EQ(r->status, 200) << after << ": " << r->body;
    ExpectNear(Probabilities(json::parse(r->body), p.labels()), want, 1e-6, after);
  };
  still_serves("start");
  ExpectError(c.Post("/v1/classify", good.substr(0, good.size() - 3000), "audio/wav"), 400, {"upload", "truncated"});
  still_serves("truncated WAV");
  ExpectError(c.Post("/v1/classify", "hello, this is text", "text/plain"), 415, {"text/plain", "not sound"});
  still_serves("text body");
  ExpectError(c.Post("/v1/classify", "hello, this is text", "audio/wav"), 400, {"upload", "not a sound file"});
  still_serves("text as audio/wav");
  ExpectError(c.Post("/v1/classify", "", "audio/wav"), 400, {"empty body"});
  still_serves("zero bytes");
  ExpectError(c.Post("/v1/classify", std::string(50000, 'x'), "audio/wav"), 413, {"40000", "--max-body-bytes"});
  still_serves("body over the limit");
  const std::string three_seconds = EncodeWav(std::vector<float>(3 * 2000, 0.1f), 2000);  // 12 kB
  ExpectError(c.Post("/v1/classify", three_seconds, "audio/wav"), 413, {"3 s", "limit is 2 s", "--max-audio-seconds"});
  still_serves("sound over the limit");
  ExpectError(c.Post("/v1/classify?model=nope", good, "audio/wav"), 404, {"unknown model 'nope'", "tones"});
  still_serves("unknown model");
  ExpectError(c.Post("/v1/classify?format=mp3&rate=8000", good, "audio/wav"), 400, {"format", "s16le | f32le", "mp3"});
  ExpectError(c.Post("/v1/classify?format=s16le&rate=fast", good, "application/octet-stream"), 400, {"rate", "fast"});
  ExpectError(c.Post("/v1/classify?format=s16le&rate=0", good, "application/octet-stream"), 400, {"rate", "'0'"});
  ExpectError(c.Post("/v1/classify?format=s16le", good, "application/octet-stream"), 400, {"rate=HZ"});
  ExpectError(c.Post("/v1/classify?format=s16le&rate=8000", std::string(3, 'a'), "application/octet-stream"), 400,
              {"2-byte samples", "3 bytes"});
  ExpectError(c.Post("/v1/classify?top_k=0", good, "audio/wav"), 400, {"top_k", "'0'"});
  ExpectError(c.Post("/v1/classify?colour=red", good, "audio/wav"), 400, {"unknown query parameter 'colour'"});
  std::vector<float> nan_clip(kRate, 0.f);
  nan_clip[100] = NAN;
  ExpectError(c.Post("/v1/classify", Bytes(nan_clip, true), "audio/wav"), 400, {"NaN"});
  still_serves("bad query values");
  ExpectError(c.Get("/v1/nothing"), 404, {"no endpoint GET /v1/nothing", "POST /v1/classify"});
  ExpectError(c.Get("/v1/classify"), 405, {"use POST"});
  ExpectError(c.Post("/v1/classify", httplib::MultipartFormDataItems{{"note", "", "", ""}}), 400, {"empty body"});
  still_serves("unknown endpoint");

  // A body that stops coming: refused when the read timeout passes.
  const std::string head = testing::PostHead("/v1/classify", "audio/wav", good.size());
  const auto t0 = std::chrono::steady_clock::now();
  const std::string slow = testing::RawHttp(server.port(), head + good.substr(0, 1000));
  const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(slow.rfind("HTTP/1.1 408", 0), 0u) << slow;
  EXPECT_NE(slow.find("{\"error\":\"the body ended after 1000 of " + std::to_string(good.size())), std::string::npos)
      << slow;
  EXPECT_GE(waited, 0.4);
  EXPECT_LT(waited, 5.0);
  still_serves("slow body");

  // Every refusal above was counted as a client error, none as the server's.
  const std::string m =
      ExpectMetrics(c, {"earshot_requests_total{endpoint=\"/v1/classify\",status=\"200\"} 11\n",
                        "earshot_requests_total{endpoint=\"other\",status=\"404\"} 1\n",
                        "earshot_requests_total{endpoint=\"/v1/classify\",status=\"408\"} 1\n",
                        "earshot_requests_total{endpoint=\"/v1/classify\",status=\"413\"} 2\n",
                        "earshot_requests_total{endpoint=\"/v1/classify\",status=\"415\"} 1\n"});
  EXPECT_EQ(m.find("kind=\"server\""), std::string::npos) << m;
}

// The events of a /v1/detect answer.
std::vector<StreamEvent> EventsOf(const httplib::Result& r) {
  EXPECT_TRUE(r);
  if (!r) return {};
  EXPECT_EQ(r->status, 200) << r->body;
  const json j = json::parse(r->body);
  std::vector<StreamEvent> out;
  for (const json& e : j.at("events")) {
    out.push_back({e.at("start_ms").get<double>(), e.at("end_ms").get<double>(), e.at("label").get<std::string>(),
                   e.at("score").get<float>()});
  }
  return out;
}

void ExpectSameEvents(const std::vector<StreamEvent>& got, const std::vector<StreamEvent>& want,
                      const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_DOUBLE_EQ(got[i].start_ms, want[i].start_ms) << what << " event " << i;
    EXPECT_DOUBLE_EQ(got[i].end_ms, want[i].end_ms) << what << " event " << i;
    EXPECT_EQ(got[i].label, want[i].label) << what << " event " << i;
    EXPECT_FLOAT_EQ(got[i].score, want[i].score) << what << " event " << i;
  }
}

TEST_F(ServeTest, DetectAnswersAsAStreamingDetectorFedTheSameSamples) {
  // A long recording: the three tones in turn, then low again.
  std::vector<float> x;
  for (const double hz : {1800.0, 300.0, 900.0, 300.0}) {
    const std::vector<float> t = testing::Tone(hz, kRate, 0.2);
    x.insert(x.end(), t.begin(), t.end());
  }
  x.resize(x.size() - kRate / 2);  // 3.5 s
  RunningServer server({{"tones", BundlePath(1)}, {"clipmax", (*dir_ / "clipmax" / "model" / "best.bundle").string()}},
                       ServeOptions{});
  httplib::Client c = server.Client();

  const StreamOptions every = testing::EveryWindowAnEvent();
  StreamingDetector direct(BundlePath(1), every, {{"high", 0.9}});
  const std::vector<StreamEvent> want = direct.Push(x);
  ASSERT_GT(want.size(), 40u);
  const std::string query =
      "/v1/detect?model=tones&stride_ms=40&detection_threshold=0.3&minimum_count=1&suppression_ms=0"
      "&label_change=false&threshold.high=0.9";
  const auto r = c.Post(query, Bytes(x, true), "audio/wav");
  ExpectSameEvents(EventsOf(r), want, "float WAV");
  const json j = json::parse(r->body);
  EXPECT_EQ(j.at("model"), "tones");
  EXPECT_DOUBLE_EQ(j.at("duration_ms").get<double>(), 3500.0);
  EXPECT_DOUBLE_EQ(j.at("stride_ms").get<double>(), 40.0);
  // The same samples as raw f32le, and as a multipart file: the same events
  // (each request a fresh detector, so the stream starts anew).
  std::string raw(x.size() * 4, '\0');
  std::memcpy(raw.data(), x.data(), raw.size());
  ExpectSameEvents(EventsOf(c.Post(query + "&format=f32le&rate=8000", raw, "application/octet-stream")), want, "f32le");
  ExpectSameEvents(EventsOf(c.Post(query, httplib::MultipartFormDataItems{{"file", Bytes(x, true), "long.wav",
                                                                          "audio/wav"}})),
                   want, "multipart");
  // The defaults: the bundle's thresholds, 20 ms stride, default smoothing.
  StreamingDetector plain(BundlePath(1));
  ExpectSameEvents(EventsOf(c.Post("/v1/detect?model=tones", Bytes(x, true), "audio/wav")), plain.Push(x),
                   "defaults");

  const auto still_serves = [&](const std::string& after) {
    ExpectSameEvents(EventsOf(c.Post(query, Bytes(x, true), "audio/wav")), want, after);
  };
  const std::string wav = Bytes(x, true);
  ExpectError(c.Post("/v1/detect?model=tones&stride_ms=25", wav, "audio/wav"), 400, {"stride_ms", "hop"});
  ExpectError(c.Post("/v1/detect?model=tones&stride_ms=-1", wav, "audio/wav"), 400, {"stride_ms", "> 0"});
  ExpectError(c.Post("/v1/detect?model=tones&detection_threshold=2", wav, "audio/wav"), 400,
              {"detection_threshold", "[0, 1]"});
  ExpectError(c.Post("/v1/detect?model=tones&minimum_count=many", wav, "audio/wav"), 400, {"minimum_count", "many"});
  ExpectError(c.Post("/v1/detect?model=tones&threshold.high=1.5", wav, "audio/wav"), 400, {"high=1.5", "[0, 1]"});
  ExpectError(c.Post("/v1/detect?model=tones&threshold.nope=0.5", wav, "audio/wav"), 400, {"'nope'", "no such label"});
  ExpectError(c.Post("/v1/detect?model=tones&colour=red", wav, "audio/wav"), 400, {"colour", "threshold.LABEL"});
  ExpectError(c.Post("/v1/detect?model=tones&batch_size=100000000", wav, "audio/wav"), 400, {"batch_size"});
  ExpectError(c.Post("/v1/detect?model=tones&top_k=2", wav, "audio/wav"), 400, {"top_k"});
  ExpectError(c.Post("/v1/detect?model=tones&stride_ms=40&stride_ms=80", wav, "audio/wav"), 400,
              {"stride_ms", "more than once"});
  still_serves("bad query values");
  ExpectError(c.Post("/v1/detect?model=tones", "hello, this is text", "text/plain"), 415, {"not sound"});
  ExpectError(c.Post("/v1/detect?model=tones", "", "audio/wav"), 400, {"empty body"});
  ExpectError(c.Post("/v1/detect?model=tones", wav.substr(0, wav.size() - 3000), "audio/wav"), 400, {"truncated"});
  ExpectError(c.Post("/v1/detect?model=tones&format=s16le&rate=8000", std::string(3, 'a'), "application/octet-stream"),
              400, {"2-byte samples"});
  ExpectError(c.Post("/v1/detect", wav, "audio/wav"), 400, {"several models", "model=NAME"});
  ExpectError(c.Post("/v1/detect?model=nope", wav, "audio/wav"), 404, {"unknown model 'nope'"});
  ExpectError(c.Post("/v1/detect?model=clipmax", wav, "audio/wav"), 422,
              {"'clipmax' cannot run as a stream detector", "db_ref=max"});
  ExpectError(c.Get("/v1/detect"), 405, {"use POST"});
  still_serves("bad bodies");

  const std::string m = ExpectMetrics(c, {"earshot_requests_total{endpoint=\"/v1/detect\",status=\"200\"} 6\n",
                                          "earshot_requests_total{endpoint=\"/v1/detect\",status=\"422\"} 1\n"});
  EXPECT_EQ(m.find("kind=\"server\""), std::string::npos) << m;

  // The limits of classify hold for detect.
  ServeOptions small;
  small.limits.max_audio_seconds = 2.0;
  small.limits.max_body_bytes = 200000;
  RunningServer limited({{"tones", BundlePath(1)}}, small);
  httplib::Client lc = limited.Client();
  ExpectError(lc.Post("/v1/detect", wav, "audio/wav"), 413, {"3.5 s", "--max-audio-seconds"});
  ExpectError(lc.Post("/v1/detect", std::string(300000, 'x'), "audio/wav"), 413, {"200000", "--max-body-bytes"});
  const std::vector<float> two(x.begin(), x.begin() + 2 * kRate);
  StreamingDetector fresh(BundlePath(1));
  ExpectSameEvents(EventsOf(lc.Post("/v1/detect", Bytes(two, true), "audio/wav")), fresh.Push(two), "2 s");
}

// /v1/detect runs over the model the server loaded at its start: with the
// bundle's file gone (and garbage in its place) after the start, requests,
// two at a time, still answer the events of a detector loaded from it.
TEST_F(ServeTest, DetectLoadsNothingPerRequest) {
  const fs::path copy = testing::ScratchDir("serve_detect_copy") / "tones.bundle";
  fs::create_directories(copy.parent_path());
  fs::copy_file(BundlePath(1), copy, fs::copy_options::overwrite_existing);
  std::vector<float> x;
  for (const double hz : {300.0, 1800.0, 900.0}) {
    const std::vector<float> t = testing::Tone(hz, kRate, 0.2);
    x.insert(x.end(), t.begin(), t.end());
  }
  const StreamOptions every = testing::EveryWindowAnEvent();
  const std::vector<StreamEvent> want = StreamingDetector(copy.string(), every).Push(x);
  ASSERT_GT(want.size(), 10u);

  RunningServer server({{"tones", copy.string()}}, ServeOptions{});
  fs::remove(copy);
  WriteFileAtomic(copy.string(), "not a bundle");
  ASSERT_THROW(StreamingDetector(copy.string(), every), Error);
  const std::string query =
      "/v1/detect?stride_ms=40&detection_threshold=0.3&minimum_count=1&suppression_ms=0&label_change=false";
  const std::string wav = Bytes(x, true);
  std::vector<std::vector<StreamEvent>> got(4);
  std::vector<std::thread> clients;
  for (int t = 0; t < 2; ++t) {
    clients.emplace_back([&, t] {
      httplib::Client c = server.Client();
      for (int i = 0; i < 2; ++i) got[static_cast<size_t>(2 * t + i)] = EventsOf(c.Post(query, wav, "audio/wav"));
    });
  }
  for (std::thread& t : clients) t.join();
  for (size_t i = 0; i < got.size(); ++i) ExpectSameEvents(got[i], want, "request " + std::to_string(i));
  fs::remove_all(copy.parent_path());
}

TEST_F(ServeTest, ConcurrentRequestsAreBatchedWithTheSameProbabilities) {
  Predictor p(BundlePath(1));
  std::vector<std::string> ids;
  for (const char* label : {"high", "low", "mid"}) {
    for (int i = 0; i < 4; ++i) ids.push_back(std::string(label) + "/c" + std::to_string(i) + "_nohash_0.wav");
  }
  // One at a time first (max_batch 1), then together with a long wait, so
  // that the twelve requests meet in few forward passes.
  std::vector<std::vector<float>> single(ids.size()), batched(ids.size());
  for (const int max_batch : {1, 16}) {
    ServeOptions o;
    o.batch.max_batch = max_batch;
    o.batch.max_wait_ms = max_batch == 1 ? 0.0 : 300.0;
    RunningServer server({{"tones", BundlePath(1)}}, o);
    auto& out = max_batch == 1 ? single : batched;
    std::vector<std::thread> clients;
    std::atomic<int> failures{0};
    for (size_t i = 0; i < ids.size(); ++i) {
      clients.emplace_back([&, i] {
        httplib::Client c = server.Client();
        const auto r = c.Post("/v1/classify", ReadFile(Wav(ids[i])), "audio/wav");
        if (!r || r->status != 200) {
          ++failures;
          return;
        }
        out[i] = Probabilities(json::parse(r->body), p.labels());
      });
    }
    for (auto& t : clients) t.join();
    ASSERT_EQ(failures, 0);
    const auto m = server.Client().Get("/metrics");
    ASSERT_TRUE(m);
    const std::smatch found = [&] {
      std::smatch s;
      std::regex_search(m->body, s, std::regex("earshot_batch_size_count\\{model=\"tones\"\\} (\\d+)"));
      return s;
    }();
    ASSERT_FALSE(found.empty()) << m->body;
    const int batches = std::stoi(found[1]);
    if (max_batch == 1) {
      EXPECT_EQ(batches, 12) << m->body;
    } else {
      EXPECT_LE(batches, 3) << m->body;  // twelve requests in at most three passes
      EXPECT_NE(m->body.find("earshot_batch_size_sum{model=\"tones\"} 12\n"), std::string::npos) << m->body;
    }
    // Every request answered: nothing waits and no pass runs.
    EXPECT_NE(m->body.find("earshot_queued_clips{model=\"tones\"} 0\n"), std::string::npos) << m->body;
    EXPECT_NE(m->body.find("earshot_running_passes{model=\"tones\"} 0\n"), std::string::npos) << m->body;
  }
  for (size_t i = 0; i < ids.size(); ++i) {
    ExpectNear(batched[i], single[i], 1e-6, ids[i]);
    ExpectNear(single[i], p.PredictFile(Wav(ids[i])), 1e-6, ids[i]);
  }
}

TEST(ServeBatcher, TakesWhatWaitsUpToMaxBatch) {
  std::mutex mutex;
  std::vector<int> sizes;
  serve::BatchOptions o;
  o.max_batch = 3;
  o.max_wait_ms = 200;
  serve::Batcher b(
      [&](const std::vector<std::vector<float>>& clips) {
        std::lock_guard<std::mutex> lock(mutex);
        sizes.push_back(static_cast<int>(clips.size()));
        std::vector<serve::ClipScores> out(clips.size());
        for (size_t i = 0; i < clips.size(); ++i) out[i].probabilities = {clips[i][0] * 2};
        return out;
      },
      o);
  std::vector<std::thread> threads;
  std::vector<float> results(7);
  for (int i = 0; i < 7; ++i) {
    threads.emplace_back([&, i] { results[static_cast<size_t>(i)] = b.Submit({static_cast<float>(i)}).probabilities[0]; });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < 7; ++i) EXPECT_EQ(results[static_cast<size_t>(i)], 2.0f * i);
  int total = 0;
  for (int s : sizes) {
    EXPECT_LE(s, 3);
    total += s;
  }
  EXPECT_EQ(total, 7);
  EXPECT_LE(sizes.size(), 4u);  // 7 clips meeting within 200 ms: 3 + 3 + 1, give or take a late one

  // With max_wait_ms 0 a clip that finds nothing queued runs on the
  // caller's thread; the start hook runs once there, before its first batch.
  std::thread::id hook_thread, run_thread;
  int hooks = 0;
  {
    serve::Batcher hooked(
        [&](const std::vector<std::vector<float>>& clips) {
          EXPECT_EQ(hooks, 1);
          run_thread = std::this_thread::get_id();
          return std::vector<serve::ClipScores>(clips.size());
        },
        serve::BatchOptions{}, {},
        [&] {
          ++hooks;
          hook_thread = std::this_thread::get_id();
        });
    hooked.Submit({1.f});
    hooked.Submit({2.f});
  }
  EXPECT_EQ(hooks, 1);
  EXPECT_EQ(hook_thread, run_thread);
  EXPECT_EQ(run_thread, std::this_thread::get_id());

  // Clips that arrive while the one pass is taken queue up, and the worker
  // runs them as one batch once it is free: never two passes at once.
  {
    serve::BatchOptions one;
    one.max_batch = 8;
    std::condition_variable changed;
    bool release = false;
    int active = 0, most = 0;
    std::vector<int> batch_sizes;
    std::vector<std::thread::id> batch_threads;
    serve::Batcher queued(
        [&](const std::vector<std::vector<float>>& clips) {
          std::unique_lock<std::mutex> lock(mutex);
          most = std::max(most, ++active);
          batch_sizes.push_back(static_cast<int>(clips.size()));
          batch_threads.push_back(std::this_thread::get_id());
          if (clips[0][0] == 0.f) changed.wait_for(lock, std::chrono::seconds(10), [&] { return release; });
          --active;
          std::vector<serve::ClipScores> out(clips.size());
          for (size_t i = 0; i < clips.size(); ++i) out[i].probabilities = {clips[i][0] * 10};
          return out;
        },
        one);
    std::vector<float> got(4);
    std::vector<std::thread> clients;
    std::thread::id first_client;
    clients.emplace_back([&] { got[0] = queued.Submit({0.f}).probabilities[0]; });
    first_client = clients[0].get_id();
    for (int i = 0; i < 200 && queued.running() < 1; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    for (int i = 1; i < 4; ++i) {
      clients.emplace_back([&, i] { got[static_cast<size_t>(i)] = queued.Submit({static_cast<float>(i)}).probabilities[0]; });
    }
    for (int i = 0; i < 200 && queued.queued() < 3; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_EQ(queued.queued(), 3);
    {
      std::lock_guard<std::mutex> lock(mutex);
      release = true;
    }
    changed.notify_all();
    for (auto& t : clients) t.join();
    EXPECT_EQ(got, (std::vector<float>{0.f, 10.f, 20.f, 30.f}));
    EXPECT_EQ(batch_sizes, (std::vector<int>{1, 3}));
    EXPECT_EQ(most, 1);
    ASSERT_EQ(batch_threads.size(), 2u);
    EXPECT_EQ(batch_threads[0], first_client);
    EXPECT_NE(batch_threads[1], first_client);  // the worker, not a caller
    EXPECT_EQ(queued.running(), 0);
  }

  // Two workers run two batches at once: each run waits (at most 10 s)
  // until the other has started.
  {
    serve::BatchOptions two;
    two.max_batch = 1;
    two.workers = 2;
    std::condition_variable both;
    int active = 0, most = 0;
    serve::Batcher parallel(
        [&](const std::vector<std::vector<float>>& clips) {
          std::unique_lock<std::mutex> lock(mutex);
          most = std::max(most, ++active);
          both.notify_all();
          both.wait_for(lock, std::chrono::seconds(10), [&] { return most >= 2; });
          --active;
          std::vector<serve::ClipScores> out(clips.size());
          for (size_t i = 0; i < clips.size(); ++i) out[i].probabilities = {clips[i][0] + 1};
          return out;
        },
        two);
    std::vector<float> got(2);
    std::vector<std::thread> clients;
    for (int i = 0; i < 2; ++i) {
      clients.emplace_back([&, i] { got[static_cast<size_t>(i)] = parallel.Submit({static_cast<float>(i)}).probabilities[0]; });
    }
    for (auto& t : clients) t.join();
    EXPECT_EQ(most, 2);
    EXPECT_EQ(got, (std::vector<float>{1.f, 2.f}));
  }

  // An exception of the run reaches every request of its batch.
  serve::Batcher failing([](const std::vector<std::vector<float>>&) -> std::vector<serve::ClipScores> {
    throw std::runtime_error("model broke");
  }, serve::BatchOptions{});
  EXPECT_THROW(failing.Submit({1.f}), std::runtime_error);
  serve::BatchOptions bad;
  bad.max_batch = 0;
  EXPECT_THROW(bad.Validate(), Error);
  serve::BatchOptions no_workers;
  no_workers.workers = 0;
  EXPECT_THROW(no_workers.Validate(), Error);
}

TEST(ServeNames, RunsFoldsStemsAndExplicitNames) {
  const auto m = serve::NameModels({"runs/kws/model/best.bundle", "runs/s3/fold-2/best.bundle",
                                    "runs/kws/model/last.bundle", "models/kws_small.bundle", "x=other.bundle"});
  ASSERT_EQ(m.size(), 5u);
  EXPECT_EQ(m[0].name, "kws");
  EXPECT_EQ(m[1].name, "s3-fold-2");
  EXPECT_EQ(m[2].name, "kws-last");
  EXPECT_EQ(m[3].name, "kws_small");
  EXPECT_EQ(m[4].name, "x");
  EXPECT_EQ(m[4].path, "other.bundle");
  try {
    serve::NameModels({"a/kws/model/best.bundle", "b/kws/model/best.bundle"});
    FAIL() << "two models named kws were accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("would both be served as 'kws'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("NAME=PATH"), std::string::npos) << e.what();
  }
  EXPECT_THROW(serve::NameModels({"a b=x.bundle"}), Error);
  EXPECT_THROW(serve::NameModels({"x="}), Error);
  EXPECT_THROW(serve::NameModels({}), Error);
}

TEST(ServeMetrics, PrometheusTextCountsAndCumulativeBuckets) {
  serve::Metrics m({"/v1/classify"}, {"kws"});
  m.CountRequest("/v1/classify", 200, 0.003);
  m.CountRequest("/v1/classify", 200, 0.02);
  m.CountRequest("/v1/classify", 415, 0.0005);
  m.CountRequest("/random/path", 404, -1);
  m.CountBatch("kws", 3);
  const std::string t = m.Prometheus();
  EXPECT_NE(t.find("earshot_requests_total{endpoint=\"/v1/classify\",status=\"200\"} 2\n"), std::string::npos) << t;
  EXPECT_NE(t.find("earshot_requests_total{endpoint=\"other\",status=\"404\"} 1\n"), std::string::npos) << t;
  EXPECT_NE(t.find("earshot_errors_total{endpoint=\"/v1/classify\",kind=\"client\"} 1\n"), std::string::npos) << t;
  EXPECT_NE(t.find("earshot_request_seconds_bucket{endpoint=\"/v1/classify\",le=\"0.001\"} 1\n"), std::string::npos) << t;
  EXPECT_NE(t.find("earshot_request_seconds_bucket{endpoint=\"/v1/classify\",le=\"0.005\"} 2\n"), std::string::npos) << t;
  EXPECT_NE(t.find("earshot_request_seconds_bucket{endpoint=\"/v1/classify\",le=\"0.025\"} 3\n"), std::string::npos) << t;
  EXPECT_NE(t.find("earshot_request_seconds_count{endpoint=\"/v1/classify\"} 3\n"), std::string::npos) << t;
  EXPECT_EQ(t.find("earshot_request_seconds_count{endpoint=\"other\"}"), std::string::npos) << t;  // no start known
  EXPECT_NE(t.find("earshot_batch_size_bucket{model=\"kws\",le=\"2\"} 0\n"), std::string::npos) << t;
  EXPECT_NE(t.find("earshot_batch_size_bucket{model=\"kws\",le=\"4\"} 1\n"), std::string::npos) << t;
  EXPECT_NE(t.find("earshot_batch_size_sum{model=\"kws\"} 3\n"), std::string::npos) << t;
  EXPECT_EQ(t.find("earshot_queued_clips"), std::string::npos) << t;  // no load given
  const std::string loaded = m.Prometheus({{"kws", 5, 1}});
  EXPECT_NE(loaded.find("# TYPE earshot_queued_clips gauge\nearshot_queued_clips{model=\"kws\"} 5\n"), std::string::npos)
      << loaded;
  EXPECT_NE(loaded.find("earshot_running_passes{model=\"kws\"} 1\n"), std::string::npos) << loaded;
}

}  // namespace
}  // namespace earshot
