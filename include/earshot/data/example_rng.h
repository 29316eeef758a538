// Random numbers that depend only on their keys, so that an example's
// augmentation is the same whichever thread draws it and whatever the thread
// count.
//
//   ExampleRng rng = ExampleRng::For(seed, kExampleStream, epoch, clip);
//   double volume = rng.Uniform(0.0, 0.1);
//
// SplitMix64 (Steele, Lea, Flood 2014) keyed by a hash of the keys. The
// distributions are written out here rather than taken from <random>, whose
// algorithms differ between standard libraries: the same seed gives the same
// batches on every platform.
#pragma once

#include <cstdint>

namespace earshot {

class ExampleRng {
 public:
  using result_type = uint64_t;

  explicit ExampleRng(uint64_t state) : state_(state) {}
  // A stream determined by (seed, stream, a, b) alone.
  static ExampleRng For(uint64_t seed, uint64_t stream, uint64_t a, uint64_t b);

  static constexpr uint64_t min() { return 0; }
  static constexpr uint64_t max() { return ~uint64_t{0}; }
  uint64_t operator()();

  double Uniform();                          // [0, 1)
  double Uniform(double lo, double hi);      // [lo, hi)
  int64_t UniformInt(int64_t lo, int64_t hi);  // [lo, hi], both included
  double Normal();                           // standard normal
  double Gamma(double shape);                // Gamma(shape, 1), shape > 0
  double Beta(double a, double b);           // Beta(a, b), a, b > 0

 private:
  uint64_t state_;
};

// Distinct streams for the loader's uses of one seed.
enum : uint64_t {
  kShuffleStream = 1,  // epoch order
  kExampleStream = 2,  // one example's length policy and augmentation
  kBatchStream = 3,    // a batch's mixup pairs and weights
};

}  // namespace earshot
