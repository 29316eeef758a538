// Random numbers that come out the same on every platform and compiler (the
// standard distributions do not promise that), so a seed always makes the
// same files. Each clip seeds its own generator from the set's seed and the
// clip's name, so clips do not depend on the order they are made in.
//
//   Rng rng(MixSeed(seed, HashString("yes/0a1b2c3d_nohash_0")));
//   double gain_db = rng.Uniform(-20.0, -1.0);
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace earshot {

// SplitMix64 (Steele, Lea, Flood 2014): small, fast, good enough for data
// generation, and trivially reproducible.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next();
  double Uniform();                      // [0, 1)
  double Uniform(double lo, double hi);  // [lo, hi)
  int Int(int lo, int hi);               // [lo, hi], both included
  double Normal();                       // mean 0, standard deviation 1
  bool Chance(double p) { return Uniform() < p; }
  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[static_cast<size_t>(Int(0, static_cast<int>(items.size()) - 1))];
  }
  // Fisher-Yates.
  template <typename T>
  void Shuffle(std::vector<T>& items) {
    for (size_t i = items.size(); i > 1; --i) {
      std::swap(items[i - 1], items[static_cast<size_t>(Int(0, static_cast<int>(i) - 1))]);
    }
  }

 private:
  uint64_t state_;
};

// Combines a seed with a value into a new, well-mixed seed.
uint64_t MixSeed(uint64_t seed, uint64_t value);
// FNV-1a, 64 bits.
uint64_t HashString(const std::string& text);

}  // namespace earshot
