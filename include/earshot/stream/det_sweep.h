// The detection-error trade-off of a stream: the model's posteriors are
// kept once, then only the smoothing (stream/smoothing.h) is run again at
// each detection threshold and its events scored (stream/scoring.h),
// giving per keyword the false-reject rate against false alarms per hour.
//
//   PosteriorTrack track{labels, 1000.0};
//   detector.SetPosteriorObserver([&](double t, auto& p) { track.Add(t, p); });
//   ... feed the audio ...
//   DetSweep det = SweepThreshold(track, truth, keywords, smoothing, 750, hours, SweepGrid(0.01));
//   std::vector<OperatingPoint> op = ChooseThresholds(det, 1.0);   // at most 1 false alarm an hour
//
// Pure: no model, no audio.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "earshot/stream/scoring.h"
#include "earshot/stream/smoothing.h"

namespace earshot {

// The posteriors of every model window of a stream, in time order.
struct PosteriorTrack {
  std::vector<std::string> labels;
  double window_ms = 0;              // the model's window: an event's start is its end minus this
  std::string silence = "_silence_";  // never events (the bundle's data options)
  std::string unknown = "_unknown_";
  std::vector<double> end_ms;        // per window
  std::vector<float> probabilities;  // per window, one per label

  void Add(double window_end_ms, const std::vector<float>& p);
  size_t size() const { return end_ms.size(); }
};

// The events the smoothing gives over the track, as scored: time_ms the
// window's start, end_ms its end.
std::vector<FoundWord> SmoothTrack(const PosteriorTrack& track, const SmoothingOptions& options,
                                   const std::map<std::string, double>& thresholds);

// The thresholds swept: step, 2 step, ... below 1, then 0.995, 0.998,
// 0.999, 0.9995, 0.9999 (the low false-alarm end of the curve). step in
// (0, 0.5]; an option error otherwise.
std::vector<double> SweepGrid(double step);

// One threshold for every label (options.detection_threshold; no per-label
// ones) at each of `thresholds`, the events scored against `truth`; the
// thresholds are run on `threads` threads (the result does not depend on
// how many).
struct DetSweep {
  std::vector<std::string> keywords;
  std::vector<double> thresholds;
  std::vector<StreamRates> rates;  // per threshold
};
DetSweep SweepThreshold(const PosteriorTrack& track, const std::vector<TruthWord>& truth,
                        const std::vector<std::string>& keywords, const SmoothingOptions& options,
                        double tolerance_ms, double hours, const std::vector<double>& thresholds,
                        int threads = 1);

// Per keyword, the swept threshold whose false alarms per hour are at most
// `target` with the lowest false-reject rate (ties: the fewer false alarms,
// then the higher threshold); for a keyword the stream never says (a
// negative stream: no false-reject rate), the lowest threshold meeting the
// target. When no threshold meets the target, `met` is
// false and the point is the one with the fewest false alarms (ties: the
// lower false-reject rate, then the higher threshold).
struct OperatingPoint {
  std::string label;
  double threshold = 0;
  double false_reject_rate = 0;
  double false_alarms_per_hour = 0;
  bool met = false;
};
std::vector<OperatingPoint> ChooseThresholds(const DetSweep& sweep, double target_fa_per_hour);

}  // namespace earshot
