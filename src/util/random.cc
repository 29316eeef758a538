#include "earshot/util/random.h"

#include <cmath>

namespace earshot {
namespace {

constexpr uint64_t kGolden = 0x9E3779B97F4A7C15ull;

// SplitMix64's output function: a bijective mix of 64 bits.
uint64_t Mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace

SplitMix64 SplitMix64::For(uint64_t seed, uint64_t stream, uint64_t a, uint64_t b) {
  uint64_t h = Mix(seed + kGolden);
  h = Mix(h ^ (stream + kGolden));
  h = Mix(h ^ (a + 2 * kGolden));
  h = Mix(h ^ (b + 3 * kGolden));
  return SplitMix64(h);
}

uint64_t SplitMix64::Next() { return Mix(state_ += kGolden); }

double SplitMix64::Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

double SplitMix64::Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }

uint64_t SplitMix64::Below(uint64_t n) {
  // Rejecting the top `2^64 mod n` values keeps every result equally likely.
  const uint64_t limit = max() - max() % n;
  uint64_t x = Next();
  while (x >= limit) x = Next();
  return x % n;
}

int64_t SplitMix64::UniformInt(int64_t lo, int64_t hi) {
  if (hi <= lo) return lo;
  return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo) + 1));
}

double SplitMix64::Normal() {
  // Box-Muller; 1 - Uniform() keeps the logarithm finite.
  const double u = 1.0 - Uniform(), v = Uniform();
  return std::sqrt(-2.0 * std::log(u)) * std::cos(2.0 * M_PI * v);
}

double SplitMix64::Gamma(double shape) {
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

double SplitMix64::Beta(double a, double b) {
  const double x = Gamma(a);
  const double y = Gamma(b);
  return x + y > 0 ? x / (x + y) : 0.5;
}

uint64_t MixSeed(uint64_t seed, uint64_t value) {
  return SplitMix64(seed ^ (value * 0xD6E8FEB86659FD93ull)).Next();
}

uint64_t HashString(const std::string& text) {
  uint64_t h = 0xCBF29CE484222325ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001B3ull;
  }
  return h;
}

}  // namespace earshot
