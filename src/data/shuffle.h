// Seeded shuffles for splits and unknown-word picking: a split must be the
// same on every machine (util/random.h), and each class or split shuffles
// with a stream of its own.
#pragma once

#include <cstdint>
#include <vector>

#include "earshot/util/random.h"

namespace earshot::data_internal {

// Fisher-Yates with a stream keyed by (seed, key).
template <typename T>
void SeededShuffle(std::vector<T>& v, uint64_t seed, uint64_t key) {
  SplitMix64 rng(seed * 0x100000001B3ULL ^ (key + 0x51ED270B7A0F3C1DULL));
  Shuffle(v, rng);
}

}  // namespace earshot::data_internal
