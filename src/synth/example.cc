#include "earshot/synth/example.h"

#include <cmath>
#include <random>

namespace earshot {

std::vector<float> MakeExampleSound(int sample_rate, double seconds, uint64_t seed) {
  const size_t n = static_cast<size_t>(seconds * sample_rate);
  std::vector<float> x(n);
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> noise(0.f, 0.01f);
  const double f0 = 100.0, f1 = 0.4 * sample_rate;
  for (size_t i = 0; i < n; ++i) {
    const double t = static_cast<double>(i) / sample_rate;
    // Linear chirp from f0 to f1 over the clip.
    double v = 0.3 * std::sin(2 * M_PI * (f0 * t + (f1 - f0) * t * t / (2 * seconds)));
    // Two bursts: 440 Hz in the first quarter, 1500 Hz in the third.
    const double q = t / seconds;
    if (q > 0.1 && q < 0.25) v += 0.4 * std::sin(2 * M_PI * 440.0 * t);
    if (q > 0.55 && q < 0.7) v += 0.3 * std::sin(2 * M_PI * 1500.0 * t);
    x[i] = static_cast<float>(v) + noise(rng);
  }
  return x;
}

}  // namespace earshot
