// Background noises for demo data: the `_background_noise_` files of a
// Speech Commands layout, the noise under some keyword clips and the
// `silence` clips of the 12-label set.
//
//   SplitMix64 rng(7);
//   std::vector<float> tap = MakeNoise(NoiseKind::kRunningTap, 16000 * 30, 16000, rng);
#pragma once

#include <cstddef>
#include <vector>

#include "earshot/util/random.h"

namespace earshot {

enum class NoiseKind {
  kWhite,        // flat spectrum
  kPink,         // -3 dB per octave
  kBrown,        // -6 dB per octave (integrated white noise)
  kHum,          // mains hum: 50 or 60 Hz and harmonics over a little hiss
  kRunningTap,   // band-passed noise with a wandering centre and level
  kDishes,       // soft pink noise with random metallic clinks
};

const std::vector<NoiseKind>& AllNoiseKinds();
// File stem in `_background_noise_`: "white_noise", "running_tap", ...
const char* NoiseName(NoiseKind kind);

// `samples` samples of the noise at unit RMS.
std::vector<float> MakeNoise(NoiseKind kind, size_t samples, int sample_rate, SplitMix64& rng);

}  // namespace earshot
