#include "earshot/data/example_rng.h"

#include <cmath>

namespace earshot {
namespace {

// SplitMix64's output function: a bijective mix of 64 bits.
uint64_t Mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

constexpr uint64_t kGolden = 0x9e3779b97f4a7c15ULL;

}  // namespace

ExampleRng ExampleRng::For(uint64_t seed, uint64_t stream, uint64_t a, uint64_t b) {
  uint64_t h = Mix(seed + kGolden);
  h = Mix(h ^ (stream + kGolden));
  h = Mix(h ^ (a + 2 * kGolden));
  h = Mix(h ^ (b + 3 * kGolden));
  return ExampleRng(h);
}

uint64_t ExampleRng::operator()() {
  state_ += kGolden;
  return Mix(state_);
}

double ExampleRng::Uniform() { return static_cast<double>((*this)() >> 11) * 0x1.0p-53; }

double ExampleRng::Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }

int64_t ExampleRng::UniformInt(int64_t lo, int64_t hi) {
  if (hi <= lo) return lo;
  const uint64_t range = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo) + 1;
  // Rejection keeps every value equally likely.
  const uint64_t limit = (~uint64_t{0} / range) * range;
  uint64_t r = (*this)();
  while (r >= limit) r = (*this)();
  r %= range;
  return lo + static_cast<int64_t>(r);
}

double ExampleRng::Normal() {
  // Box-Muller; 1 - U keeps the logarithm finite.
  const double u1 = 1.0 - Uniform();
  const double u2 = Uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

double ExampleRng::Gamma(double shape) {
  // Marsaglia and Tsang (2000); shapes below 1 through Gamma(shape + 1) U^(1/shape).
  if (shape < 1.0) return Gamma(shape + 1.0) * std::pow(1.0 - Uniform(), 1.0 / shape);
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x, v;
    do {
      x = Normal();
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = 1.0 - Uniform();
    if (std::log(u) < 0.5 * x * x + d - d * v + d * std::log(v)) return d * v;
  }
}

double ExampleRng::Beta(double a, double b) {
  const double x = Gamma(a);
  const double y = Gamma(b);
  return x + y > 0 ? x / (x + y) : 0.5;
}

}  // namespace earshot
