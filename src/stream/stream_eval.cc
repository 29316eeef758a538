#include "earshot/stream/stream_eval.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include <nlohmann/json.hpp>

#include "earshot/audio/decode.h"
#include "earshot/inference/bundle.h"
#include "earshot/plots/charts.h"
#include "earshot/report/stream_report.h"
#include "earshot/util/error.h"
#include "earshot/util/files.h"
#include "earshot/util/option_checks.h"

namespace earshot {
namespace {

using json = nlohmann::ordered_json;

std::vector<FoundWord> AsFound(const std::vector<StreamEvent>& events) {
  std::vector<FoundWord> out;
  out.reserve(events.size());
  for (const StreamEvent& e : events) out.push_back({e.label, e.start_ms, e.end_ms});
  return out;
}

json RatesJson(const KeywordRates& k) {
  json j;
  if (!k.label.empty()) j["label"] = k.label;
  j["words"] = k.words;
  j["found"] = k.found;
  j["false_rejects"] = k.words - k.found;
  j["false_reject_rate"] = k.false_reject_rate;
  j["false_alarms"] = k.false_alarms;
  j["false_alarms_per_hour"] = k.false_alarms_per_hour;
  return j;
}

json StreamRatesJson(const StreamRates& r, const std::map<std::string, double>& thresholds) {
  json keywords = json::array();
  for (const KeywordRates& k : r.keywords) {
    json j = RatesJson(k);
    if (const auto it = thresholds.find(k.label); it != thresholds.end()) j["threshold"] = it->second;
    keywords.push_back(j);
  }
  return json{{"keywords", keywords}, {"overall", RatesJson(r.overall)}};
}

// TensorFlow's counts and its percentages of the truth words.
json CountsJson(const StreamingCounts& c) {
  const double n = static_cast<double>(c.ground_truth);
  auto percent = [n](int64_t v) { return n > 0 ? 100.0 * static_cast<double>(v) / n : 0.0; };
  return json{{"ground_truth", c.ground_truth},     {"matched", c.matched},
              {"correct", c.correct},               {"wrong", c.wrong},
              {"false_positives", c.false_positives}, {"matched_percent", percent(c.matched)},
              {"correct_percent", percent(c.correct)}, {"wrong_percent", percent(c.wrong)},
              {"false_positive_percent", percent(c.false_positives)}};
}

const char* OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kCorrect: return "correct";
    case Outcome::kWrong: return "wrong";
    case Outcome::kFalsePositive: return "false_positive";
  }
  return "";
}

std::string Number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

}  // namespace

void StreamEvalOptions::Visit(OptionVisitor& v) {
  v.Group("stream", stream, "the detector: stride and posterior smoothing");
  v.Field("tolerance_ms", tolerance_ms, "an event matches a truth word whose time is at most this far (ms)");
  v.Field("sweep_step", sweep_step, "detection thresholds swept for the DET curve: this step, and a tail up to 0.9999");
  v.Field("target_fa_per_hour", target_fa_per_hour,
          "choose per keyword the threshold with at most this many false alarms an hour; < 0: none");
  v.Field("threads", threads, "LibTorch threads, and threads of the threshold sweep");
}

void StreamEvalOptions::Validate() const {
  using namespace option_checks;
  ValidateGroup(stream, "stream");
  if (!(tolerance_ms >= 0) || !std::isfinite(tolerance_ms)) {
    ThrowOption("--tolerance_ms should be >= 0. Given: " + Str(tolerance_ms));
  }
  InRange("sweep_step", sweep_step, 1e-4, 0.5);
  if (!std::isfinite(target_fa_per_hour)) {
    ThrowOption("--target_fa_per_hour should be a number. Given: " + Str(target_fa_per_hour));
  }
  AtLeast("threads", threads, 1);
}

std::map<std::string, double> StreamEvaluation::ChosenThresholds() const {
  std::map<std::string, double> out;
  for (const OperatingPoint& p : operating) out[p.label] = p.threshold;
  return out;
}

StreamEvaluation EvaluateStream(const std::string& bundle, const StreamEvalInputs& inputs,
                                const StreamEvalOptions& options,
                                const std::map<std::string, double>& thresholds) {
  ValidateOptions(options);
  StreamEvaluation e;
  e.bundle = bundle;
  e.inputs = inputs;
  e.options = options;
  e.truth = ReadTruthFile(inputs.truth);
  const std::vector<SpokenSpan> spans =
      inputs.spans.empty() ? std::vector<SpokenSpan>{} : ReadSpansFile(inputs.spans);

  StreamingDetector detector(bundle, options.stream, thresholds);
  const BundleInfo& info = detector.info();
  std::vector<std::string> known = info.labels;
  for (const std::string& extra : {info.data.unknown_label, info.data.silence_label}) {
    if (std::find(known.begin(), known.end(), extra) == known.end()) known.push_back(extra);
  }
  CheckTruthLabels(e.truth, known, inputs.truth);
  for (const std::string& l : info.labels) {
    if (l == info.data.silence_label || l == info.data.unknown_label) continue;
    e.keywords.push_back(l);
    e.thresholds[l] = detector.Threshold(l);
  }

  const std::vector<float> x = DecodeFile(inputs.audio, detector.sample_rate());
  e.audio_ms = 1000.0 * static_cast<double>(x.size()) / detector.sample_rate();
  if (static_cast<int64_t>(x.size()) < detector.window_samples()) {
    ThrowBadData(inputs.audio + ": " + Number(e.audio_ms) + " ms of audio, shorter than the model's window (" +
                 Number(1000.0 * static_cast<double>(detector.window_samples()) / detector.sample_rate()) +
                 " ms)");
  }
  for (const TruthWord& w : e.truth) {
    if (w.time_ms > e.audio_ms) {
      ThrowMismatch(inputs.truth + " line " + std::to_string(w.line) + ": time " + Number(w.time_ms) +
                    " ms is past the end of " + inputs.audio + " (" + Number(e.audio_ms) + " ms)");
    }
  }

  PosteriorTrack track;
  track.labels = info.labels;
  track.window_ms = 1000.0 * static_cast<double>(detector.window_samples()) / detector.sample_rate();
  track.silence = info.data.silence_label;
  track.unknown = info.data.unknown_label;
  detector.SetPosteriorObserver([&track](double end_ms, const std::vector<float>& p) { track.Add(end_ms, p); });
  const int64_t chunk = detector.sample_rate();  // the events do not depend on the chunking
  for (int64_t at = 0; at < static_cast<int64_t>(x.size()); at += chunk) {
    const auto got = detector.Push(x.data() + at, std::min<int64_t>(chunk, static_cast<int64_t>(x.size()) - at));
    e.events.insert(e.events.end(), got.begin(), got.end());
  }

  const double hours = e.audio_ms / 3.6e6;
  const std::vector<FoundWord> found = AsFound(e.events);
  e.score = ScoreEvents(e.truth, found, options.tolerance_ms);
  e.rates = RatesOf(e.score, e.truth, found, e.keywords, hours);
  if (!inputs.spans.empty()) e.latency = LatencyOf(e.score, e.truth, found, spans, track.window_ms);
  e.det = SweepThreshold(track, e.truth, e.keywords, options.stream.smoothing, options.tolerance_ms, hours,
                         SweepGrid(options.sweep_step), options.threads);
  if (options.target_fa_per_hour >= 0) {
    e.operating = ChooseThresholds(e.det, options.target_fa_per_hour);
    const std::vector<FoundWord> at = SmoothTrack(track, options.stream.smoothing, e.ChosenThresholds());
    e.operating_rates = RatesOf(ScoreEvents(e.truth, at, options.tolerance_ms), e.truth, at, e.keywords, hours);
  }
  return e;
}

std::string StreamEvaluation::ToJson() const {
  json j;
  j["bundle"] = bundle;
  j["audio"] = inputs.audio;
  j["truth"] = inputs.truth;
  j["spans"] = inputs.spans.empty() ? json(nullptr) : json(inputs.spans);
  j["audio_seconds"] = audio_ms / 1000.0;
  j["hours"] = rates.hours;
  j["tolerance_ms"] = options.tolerance_ms;
  j["stream"] = json::parse(earshot::ToJson(options.stream));
  j["events"] = static_cast<int64_t>(events.size());
  j["tensorflow"] = CountsJson(score.counts);
  const json r = StreamRatesJson(rates, thresholds);
  j["keywords"] = r["keywords"];
  j["overall"] = r["overall"];
  if (latency) {
    j["latency"] = json{{"measured", latency->measured}, {"without_span", latency->without_span},
                        {"median_ms", latency->median_ms}, {"p95_ms", latency->p95_ms}};
  }
  json sweep{{"thresholds", det.thresholds}};
  json curves = json::object();
  auto curve = [&](size_t k) {
    json c{{"false_reject_rate", json::array()}, {"false_alarms_per_hour", json::array()}};
    for (const StreamRates& s : det.rates) {
      const KeywordRates& q = k < s.keywords.size() ? s.keywords[k] : s.overall;
      c["false_reject_rate"].push_back(q.false_reject_rate);
      c["false_alarms_per_hour"].push_back(q.false_alarms_per_hour);
    }
    return c;
  };
  for (size_t k = 0; k < det.keywords.size(); ++k) curves[det.keywords[k]] = curve(k);
  sweep["keywords"] = curves;
  sweep["overall"] = curve(det.keywords.size());
  j["det"] = sweep;
  if (operating_rates) {
    json points = json::array();
    for (const OperatingPoint& p : operating) {
      points.push_back({{"label", p.label}, {"threshold", p.threshold}, {"false_reject_rate", p.false_reject_rate},
                        {"false_alarms_per_hour", p.false_alarms_per_hour}, {"met", p.met}});
    }
    const json at = StreamRatesJson(*operating_rates, ChosenThresholds());
    j["operating_point"] = json{{"target_fa_per_hour", options.target_fa_per_hour}, {"chosen", points},
                                {"keywords", at["keywords"]}, {"overall", at["overall"]}};
  }
  return j.dump(2);
}

void WriteStreamEvalOutputs(const StreamEvaluation& e, const std::string& dir) {
  MakeDirs(dir);
  const std::string metrics = e.ToJson();
  WriteFileAtomic(dir + "/metrics.json", metrics + "\n");

  std::ostringstream events;
  events << "start_ms,end_ms,label,score,outcome,truth_label,truth_ms\n";
  for (size_t i = 0; i < e.events.size(); ++i) {
    const StreamEvent& v = e.events[i];
    const int w = e.score.matched_truth[i];
    events << Number(v.start_ms) << "," << Number(v.end_ms) << "," << v.label << "," << v.score << ","
           << OutcomeName(e.score.outcomes[i]) << ","
           << (w >= 0 ? e.truth[static_cast<size_t>(w)].label + "," + Number(e.truth[static_cast<size_t>(w)].time_ms)
                      : std::string(","))
           << "\n";
  }
  WriteFileAtomic(dir + "/events.csv", events.str());

  std::ostringstream det;
  det << "threshold,label,false_reject_rate,false_alarms_per_hour,false_alarms,found,words\n";
  for (size_t i = 0; i < e.det.thresholds.size(); ++i) {
    const StreamRates& r = e.det.rates[i];
    auto row = [&](const KeywordRates& k, const std::string& label) {
      det << Number(e.det.thresholds[i]) << "," << label << "," << Number(k.false_reject_rate) << ","
          << Number(k.false_alarms_per_hour) << "," << k.false_alarms << "," << k.found << "," << k.words << "\n";
    };
    for (const KeywordRates& k : r.keywords) row(k, k.label);
    row(r.overall, "all");
  }
  WriteFileAtomic(dir + "/det.csv", det.str());

  std::vector<plots::Curve> curves;
  auto add = [&](const std::string& name, size_t k) {
    plots::Curve c{name, {}, {}};
    for (const StreamRates& r : e.det.rates) {
      const KeywordRates& q = k < r.keywords.size() ? r.keywords[k] : r.overall;
      c.x.push_back(q.false_alarms_per_hour);
      c.y.push_back(q.false_reject_rate);
    }
    curves.push_back(std::move(c));
  };
  for (size_t k = 0; k < e.det.keywords.size(); ++k) add(e.det.keywords[k], k);
  if (e.det.keywords.size() > 1) add("all keywords", e.det.keywords.size());
  const std::string png = dir + "/det.png";
  plots::DetChart(png, "DET curve: " + std::to_string(e.det.thresholds.size()) + " thresholds over " +
                           Number(e.audio_ms / 60000.0) + " min of audio",
                  curves, e.options.target_fa_per_hour);
  WriteFileAtomic(dir + "/report.html", report::RenderStreamReport(metrics, png));
}

}  // namespace earshot
