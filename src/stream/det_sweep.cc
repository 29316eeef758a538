#include "earshot/stream/det_sweep.h"

#include <cmath>

#include "earshot/util/error.h"
#include "earshot/util/option_checks.h"
#include "earshot/util/parallel.h"

namespace earshot {

void PosteriorTrack::Add(double window_end_ms, const std::vector<float>& p) {
  if (p.size() != labels.size()) {
    ThrowMismatch("posterior track: " + std::to_string(p.size()) + " posteriors for " +
                  std::to_string(labels.size()) + " labels");
  }
  end_ms.push_back(window_end_ms);
  probabilities.insert(probabilities.end(), p.begin(), p.end());
}

std::vector<FoundWord> SmoothTrack(const PosteriorTrack& track, const SmoothingOptions& options,
                                   const std::map<std::string, double>& thresholds) {
  PosteriorSmoother smoother(track.labels, options, thresholds, track.silence, track.unknown);
  const size_t k = track.labels.size();
  std::vector<FoundWord> out;
  std::vector<float> p(k);
  for (size_t i = 0; i < track.size(); ++i) {
    p.assign(track.probabilities.begin() + static_cast<std::ptrdiff_t>(i * k),
             track.probabilities.begin() + static_cast<std::ptrdiff_t>((i + 1) * k));
    if (const auto d = smoother.Add(track.end_ms[i], p)) {
      out.push_back({track.labels[static_cast<size_t>(d->label)], d->time_ms - track.window_ms, d->time_ms});
    }
  }
  return out;
}

std::vector<double> SweepGrid(double step) {
  if (!(step > 0 && step <= 0.5)) {
    ThrowOption("--sweep_step should be in (0, 0.5]. Given: " + option_checks::Str(step));
  }
  std::vector<double> out;
  for (int i = 1; i * step < 1.0 - 1e-9; ++i) out.push_back(std::round(i * step * 1e6) / 1e6);
  for (double t : {0.995, 0.998, 0.999, 0.9995, 0.9999}) {
    if (t > out.back()) out.push_back(t);
  }
  return out;
}

DetSweep SweepThreshold(const PosteriorTrack& track, const std::vector<TruthWord>& truth,
                        const std::vector<std::string>& keywords, const SmoothingOptions& options,
                        double tolerance_ms, double hours, const std::vector<double>& thresholds,
                        int threads) {
  DetSweep d;
  d.keywords = keywords;
  d.thresholds = thresholds;
  d.rates.resize(thresholds.size());
  ParallelFor(static_cast<int64_t>(thresholds.size()), threads, [&](int64_t i) {
    SmoothingOptions o = options;
    o.detection_threshold = thresholds[static_cast<size_t>(i)];
    const std::vector<FoundWord> events = SmoothTrack(track, o, {});
    d.rates[static_cast<size_t>(i)] =
        RatesOf(ScoreEvents(truth, events, tolerance_ms), truth, events, keywords, hours);
  });
  return d;
}

std::vector<OperatingPoint> ChooseThresholds(const DetSweep& sweep, double target_fa_per_hour) {
  if (!(target_fa_per_hour >= 0) || !std::isfinite(target_fa_per_hour)) {
    ThrowOption("--target_fa_per_hour should be >= 0. Given: " + option_checks::Str(target_fa_per_hour));
  }
  if (sweep.thresholds.empty()) ThrowOption("operating point: no thresholds were swept");
  std::vector<OperatingPoint> out;
  for (size_t k = 0; k < sweep.keywords.size(); ++k) {
    OperatingPoint best;
    best.label = sweep.keywords[k];
    bool have = false;
    for (size_t i = 0; i < sweep.thresholds.size(); ++i) {
      const KeywordRates& r = sweep.rates[i].keywords[k];
      const bool met = r.false_alarms_per_hour <= target_fa_per_hour;
      // Better: meets the target when the best so far does not; then the
      // lower false-reject rate (met) or fewer false alarms (not met), then
      // the other of the two, then the higher threshold. A keyword never
      // said in the stream (a negative stream) has no false-reject rate to
      // lower: of the thresholds that meet the target, the lowest, the most
      // sensitive the false alarms allow.
      bool better = !have || (met && !best.met);
      if (have && met && best.met && r.words == 0) {
        better = sweep.thresholds[i] < best.threshold;
      } else if (have && met == best.met) {
        const double first = met ? r.false_reject_rate : r.false_alarms_per_hour;
        const double best_first = met ? best.false_reject_rate : best.false_alarms_per_hour;
        const double second = met ? r.false_alarms_per_hour : r.false_reject_rate;
        const double best_second = met ? best.false_alarms_per_hour : best.false_reject_rate;
        better = first != best_first     ? first < best_first
                 : second != best_second ? second < best_second
                                         : sweep.thresholds[i] > best.threshold;
      }
      if (better) {
        best.threshold = sweep.thresholds[i];
        best.false_reject_rate = r.false_reject_rate;
        best.false_alarms_per_hour = r.false_alarms_per_hour;
        best.met = met;
        have = true;
      }
    }
    out.push_back(best);
  }
  return out;
}

}  // namespace earshot
