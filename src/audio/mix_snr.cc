#include "earshot/audio/mix_snr.h"

#include <cmath>

namespace earshot {

double MeanPower(const float* x, int64_t n) {
  if (n <= 0) return 0.0;
  double s = 0;
  for (int64_t i = 0; i < n; ++i) s += static_cast<double>(x[i]) * x[i];
  return s / static_cast<double>(n);
}

double MixAtSnr(float* x, int64_t n, const float* noise, double snr_db) {
  const double signal = MeanPower(x, n), noise_power = MeanPower(noise, n);
  if (signal <= 0 || noise_power <= 0) return 0.0;
  const double gain = std::sqrt(signal / (noise_power * std::pow(10.0, snr_db / 10.0)));
  const float g = static_cast<float>(gain);
  for (int64_t i = 0; i < n; ++i) x[i] += g * noise[i];
  return gain;
}

}  // namespace earshot
