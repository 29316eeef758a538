// Non-linear distortions of a cheap or overdriven channel.
//
//   HardClip(x, n, 0.3);        // flat tops at 30 % of the clip's peak
//   MuLawQuantize(x, n, 6);     // a 6-bit mu-law codec (G.711 is 8 bits)
#pragma once

#include <cstdint>

namespace earshot {

// Clips at +-level x the clip's own peak (level in (0, 1]).
void HardClip(float* x, int64_t n, double level);

// mu-law companding (mu = 255) of [-1, 1], quantised to 2^bits levels, and
// expanded back; values beyond +-1 are first clipped to it.
void MuLawQuantize(float* x, int64_t n, int bits);

}  // namespace earshot
