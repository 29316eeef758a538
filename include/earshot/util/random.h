// Random numbers that come out the same on every platform and compiler (the
// standard distributions do not promise that): a seed always makes the same
// data sets, splits and batches. One generator serves every stage; each use
// derives its own stream from its keys, so results do not depend on the
// order things are made in or on the thread count.
//
//   SplitMix64 rng = SplitMix64::For(seed, kExampleStream, epoch, clip);
//   double volume = rng.Uniform(0.0, 0.1);
//   Shuffle(order, rng);
//
// SplitMix64 (Steele, Lea, Flood 2014): small, fast, good enough for data,
// and trivially reproducible. The distributions are written out here rather
// than taken from <random>, whose algorithms differ between standard
// libraries.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace earshot {

class SplitMix64 {
 public:
  using result_type = uint64_t;

  explicit SplitMix64(uint64_t state) : state_(state) {}
  // A stream determined by (seed, stream, a, b) alone.
  static SplitMix64 For(uint64_t seed, uint64_t stream, uint64_t a, uint64_t b);

  static constexpr uint64_t min() { return 0; }
  static constexpr uint64_t max() { return ~uint64_t{0}; }
  uint64_t Next();
  uint64_t operator()() { return Next(); }

  double Uniform();                      // [0, 1)
  double Uniform(double lo, double hi);  // [lo, hi)
  // [0, n), n >= 1, without modulo bias: at least one draw, even for n = 1.
  uint64_t Below(uint64_t n);
  // [lo, hi], both included; no draw at all when hi <= lo (returns lo).
  int64_t UniformInt(int64_t lo, int64_t hi);
  // [lo, hi], both included, hi >= lo; always draws, even when lo == hi
  // (the demo data sets' streams count on that).
  int Int(int lo, int hi) { return lo + static_cast<int>(Below(static_cast<uint64_t>(int64_t{hi} - lo + 1))); }
  bool Chance(double p) { return Uniform() < p; }
  double Normal();             // mean 0, standard deviation 1
  double Gamma(double shape);  // Gamma(shape, 1), shape > 0
  double Beta(double a, double b);  // Beta(a, b), a, b > 0

  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[static_cast<size_t>(Below(items.size()))];
  }

 private:
  uint64_t state_;
};

// Fisher-Yates, from the back: item i swaps with one of items 0..i.
template <typename T>
void Shuffle(std::vector<T>& items, SplitMix64& rng) {
  for (size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[rng.Below(i)]);
}

// Combines a seed with a value into a new, well-mixed seed.
uint64_t MixSeed(uint64_t seed, uint64_t value);
// FNV-1a, 64 bits.
uint64_t HashString(const std::string& text);

}  // namespace earshot
