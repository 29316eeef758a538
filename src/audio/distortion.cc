#include "earshot/audio/distortion.h"

#include <algorithm>
#include <cmath>

namespace earshot {

void HardClip(float* x, int64_t n, double level) {
  float peak = 0.f;
  for (int64_t i = 0; i < n; ++i) peak = std::max(peak, std::abs(x[i]));
  const float limit = static_cast<float>(level) * peak;
  for (int64_t i = 0; i < n; ++i) x[i] = std::clamp(x[i], -limit, limit);
}

void MuLawQuantize(float* x, int64_t n, int bits) {
  constexpr double mu = 255.0;
  const double steps = std::ldexp(1.0, bits - 1);  // levels per sign
  const double log1p_mu = std::log1p(mu);
  for (int64_t i = 0; i < n; ++i) {
    const double v = std::clamp(static_cast<double>(x[i]), -1.0, 1.0);
    const double y = std::copysign(std::log1p(mu * std::abs(v)) / log1p_mu, v);
    const double q = std::round(y * steps) / steps;
    x[i] = static_cast<float>(std::copysign((std::pow(1.0 + mu, std::abs(q)) - 1.0) / mu, q));
  }
}

}  // namespace earshot
