#include "earshot/audio/telephone.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>

#include "earshot/audio/distortion.h"
#include "earshot/audio/fft_filter.h"
#include "earshot/audio/resampler.h"

namespace earshot {
namespace {

constexpr int kLineRate = 8000;

// One resampler per pair of rates and thread (soxr designs its filter once).
Resampler& ResamplerFor(int from, int to) {
  thread_local std::map<std::pair<int, int>, std::unique_ptr<Resampler>> cache;
  auto& r = cache[{from, to}];
  if (!r) r = std::make_unique<Resampler>(from, to);
  return *r;
}

double RaisedCosine(double from, double to, double hz) {  // 0 at `from`, 1 at `to`
  const double a = std::clamp((hz - from) / (to - from), 0.0, 1.0);
  return 0.5 - 0.5 * std::cos(M_PI * a);
}

}  // namespace

double TelephoneGain(double hz) {
  if (hz < 300.0) return RaisedCosine(200.0, 300.0, hz);
  if (hz > 3200.0) return RaisedCosine(3400.0, 3200.0, hz);
  return 1.0;
}

std::vector<float> TelephoneBand(const float* x, int64_t n, int sample_rate) {
  const bool resample = sample_rate > kLineRate;
  std::vector<float> line = resample ? ResamplerFor(sample_rate, kLineRate).Process(x, n)
                                     : std::vector<float>(x, x + n);
  const int rate = resample ? kLineRate : sample_rate;
  ShapeSpectrum(line.data(), static_cast<int64_t>(line.size()), rate, TelephoneGain);
  MuLawQuantize(line.data(), static_cast<int64_t>(line.size()), 8);
  std::vector<float> y = resample ? ResamplerFor(kLineRate, sample_rate)
                                        .Process(line.data(), static_cast<int64_t>(line.size()))
                                  : std::move(line);
  y.resize(static_cast<size_t>(n), 0.f);
  return y;
}

}  // namespace earshot
