// The reverberation time of an impulse response, measured from its decay.
//
//   double rt60 = MeasureRt60(ir.data(), ir.size(), 16000);
//
// Schroeder's backward integration of h^2 gives the energy decay curve;
// a least-squares line through its part from -5 dB to -25 dB (T20, ISO
// 3382) is extended to -60 dB. Returns 0 when the curve never falls to
// -25 dB.
#pragma once

#include <cstdint>

namespace earshot {

double MeasureRt60(const float* h, int64_t n, int sample_rate);

}  // namespace earshot
