// Additive noise at a chosen signal-to-noise ratio.
//
//   double gain = MixAtSnr(x, n, noise.data(), 10.0);   // 10 dB below the clip
#pragma once

#include <cstdint>

namespace earshot {

// Mean square of x.
double MeanPower(const float* x, int64_t n);

// Adds gain x noise (n samples) so that 10 log10(P(x) / P(gain noise)) =
// snr_db, with P the mean power over the whole clip. Returns the gain; 0
// (and adds nothing) when the clip or the noise is silent.
double MixAtSnr(float* x, int64_t n, const float* noise, double snr_db);

}  // namespace earshot
