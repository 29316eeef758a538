// A keyword spotter judged on a long recording whose words are known: the
// detector (stream/detector.h) runs once over the audio, its events are
// scored against the truth (stream/scoring.h), and its posteriors are kept
// so that the threshold sweep (stream/det_sweep.h) re-runs only the
// smoothing: the DET curve, and the thresholds that meet a target rate of
// false alarms.
//
//   StreamEvalOptions o;
//   o.target_fa_per_hour = 1;
//   StreamEvaluation e = EvaluateStream("best.bundle", {"long.wav", "long.truth.csv", "long.spans.csv"}, o);
//   WriteStreamEvalOutputs(e, "runs/kws/stream");   // metrics.json, events.csv, det.csv, det.png, report.html
//   SetBundleThresholds("best.bundle", e.ChosenThresholds());
//
// docs/stream.md ("Scoring a stream") gives the rules and the files.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "earshot/stream/det_sweep.h"
#include "earshot/stream/detector.h"
#include "earshot/stream/scoring.h"
#include "earshot/util/options.h"

namespace earshot {

struct StreamEvalOptions : Options {
  StreamOptions stream;              // the detector's stride and smoothing
  double tolerance_ms = 750.0;       // an event matches a word whose time is this close (TensorFlow's default)
  double sweep_step = 0.01;          // thresholds swept: step, 2 step, ... and a tail up to 0.9999
  double target_fa_per_hour = -1.0;  // choose per keyword the threshold meeting this rate; < 0: none
  int threads = 1;                   // LibTorch threads, and threads of the sweep

  void Visit(OptionVisitor& v) override;
  void Validate() const override;
};

struct StreamEvalInputs {
  std::string audio;  // a sound file of any length, decoded and resampled to the model's rate
  std::string truth;  // label,time_ms lines (TensorFlow's format)
  std::string spans;  // label,start_ms,end_ms with a header, for latency; "" = none
};

struct StreamEvaluation {
  std::string bundle;
  StreamEvalInputs inputs;
  StreamEvalOptions options;
  std::vector<std::string> keywords;          // the bundle's labels but silence and unknown
  std::map<std::string, double> thresholds;   // per keyword, as the detector used them
  double audio_ms = 0;
  std::vector<TruthWord> truth;
  std::vector<StreamEvent> events;            // the detector's, in time order
  StreamScore score;
  StreamRates rates;
  std::optional<Latency> latency;             // with a spans file
  DetSweep det;
  std::vector<OperatingPoint> operating;      // with a target
  std::optional<StreamRates> operating_rates;  // the stream re-scored at the chosen thresholds

  std::map<std::string, double> ChosenThresholds() const;  // label -> threshold of `operating`
  std::string ToJson() const;                              // what metrics.json holds
};

// Runs the detector of `bundle` (with `thresholds` over the bundle's own,
// as `earshot stream --threshold`) over the audio and scores it. A truth
// label that is neither one of the bundle's labels nor its unknown or
// silence label, a truth time past the audio's end, audio shorter than
// one model window: an Error naming the file.
StreamEvaluation EvaluateStream(const std::string& bundle, const StreamEvalInputs& inputs,
                                const StreamEvalOptions& options,
                                const std::map<std::string, double>& thresholds = {});

// Writes into `dir` (made if missing), each file atomically: metrics.json,
// events.csv (each event with its outcome), det.csv (the sweep), det.png
// (the DET curve) and report.html (one self-contained page).
void WriteStreamEvalOutputs(const StreamEvaluation& evaluation, const std::string& dir);

}  // namespace earshot
