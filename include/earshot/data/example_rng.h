// The loader's random streams: every draw depends only on its keys, so an
// example's augmentation is the same whichever thread draws it and whatever
// the thread count.
//
//   SplitMix64 rng = SplitMix64::For(seed, kExampleStream, epoch, clip);
//   double volume = rng.Uniform(0.0, 0.1);
#pragma once

#include <cstdint>

#include "earshot/util/random.h"

namespace earshot {

// Distinct streams for the loader's uses of one seed.
enum : uint64_t {
  kShuffleStream = 1,  // epoch order
  kExampleStream = 2,  // one example's length policy and augmentation
  kBatchStream = 3,    // a batch's mixup pairs and weights
};

}  // namespace earshot
