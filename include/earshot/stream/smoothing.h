// From a sequence of model posteriors to keyword events, by the rules of
// TensorFlow's speech_commands RecognizeCommands: posteriors are averaged
// over a trailing time window, the top label of the average is an event
// when its score reaches its threshold, enough posteriors are in the
// window, the suppression time since the last event has passed, and the
// label differs from the last event's (unless the detector re-armed: the
// last event's label fell below its threshold since). `_silence_` and
// `_unknown_` (the data options' labels) are never events.
//
//   SmoothingOptions o;                        // 500 ms, 0.7, 1500 ms, 3
//   PosteriorSmoother s(labels, o, {{"yes", 0.9}});
//   for (each model run) if (auto d = s.Add(time_ms, probs)) ...;
//
// No LibTorch, no audio: a pure function of (time, posteriors).
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "earshot/util/options.h"

namespace earshot {

struct SmoothingOptions : Options {
  double average_window_ms = 500.0;  // posteriors averaged over this trailing window
  double detection_threshold = 0.7;  // averaged score an event needs (labels without their own)
  double suppression_ms = 1500.0;    // no event this soon after the previous one
  int minimum_count = 3;             // posteriors the averaging window must hold
  bool label_change = true;          // the same label twice in a row only after it fell below its threshold

  void Visit(OptionVisitor& v) override;
  void Validate() const override;
};

// One detection: the time of the posterior that fired it, the label's
// index and its averaged score.
struct Detection {
  double time_ms = 0;
  int label = -1;
  float score = 0;
};

class PosteriorSmoother {
 public:
  // `thresholds`: per-label detection thresholds (in [0, 1]); labels absent
  // use options.detection_threshold. A label not in `labels` is an error
  // naming it. `silence` and `unknown` name the labels never reported.
  PosteriorSmoother(std::vector<std::string> labels, const SmoothingOptions& options,
                    const std::map<std::string, double>& thresholds = {},
                    const std::string& silence = "_silence_",
                    const std::string& unknown = "_unknown_");

  // One posterior (one probability per label) at time_ms; times must not
  // decrease. Returns the detection it fires, if any.
  std::optional<Detection> Add(double time_ms, const std::vector<float>& posteriors);

  const std::vector<std::string>& labels() const { return labels_; }
  double Threshold(int label) const { return thresholds_[static_cast<size_t>(label)]; }

 private:
  std::vector<std::string> labels_;
  SmoothingOptions options_;
  std::vector<double> thresholds_;  // one per label
  std::vector<bool> reported_;      // may be an event
  std::deque<std::pair<double, std::vector<float>>> window_;  // the averaging window
  int last_label_ = -1;             // of the last event
  double last_time_ms_ = 0;
  bool armed_ = true;               // the last event's label fell below its threshold since
};

}  // namespace earshot
