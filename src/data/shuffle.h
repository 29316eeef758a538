// Seeded shuffles for splits and unknown-word picking. Written out rather
// than std::shuffle, whose algorithm differs between standard libraries: a
// split must be the same on every machine.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace earshot::data_internal {

// SplitMix64 (Steele, Lea, Flood 2014).
class SplitMix {
 public:
  explicit SplitMix(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n), without modulo bias.
  uint64_t Below(uint64_t n) {
    const uint64_t limit = ~uint64_t{0} - (~uint64_t{0} % n);
    uint64_t x;
    do x = Next(); while (x >= limit);
    return x % n;
  }

 private:
  uint64_t state_;
};

// Fisher-Yates with a stream keyed by (seed, key): each class or split
// shuffles independently of the others.
template <typename T>
void SeededShuffle(std::vector<T>& v, uint64_t seed, uint64_t key) {
  SplitMix mix(seed * 0x100000001B3ULL ^ (key + 0x51ED270B7A0F3C1DULL));
  for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[mix.Below(i)]);
}

}  // namespace earshot::data_internal
