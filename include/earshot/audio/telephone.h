// A narrowband telephone line: down to 8 kHz (soxr), the 300-3400 Hz
// band, 8-bit mu-law (G.711), and back up to the clip's rate.
//
//   std::vector<float> y = TelephoneBand(x, n, 16000);   // n samples
#pragma once

#include <cstdint>
#include <vector>

namespace earshot {

// The band's gain: 1 from 300 to 3200 Hz, raised-cosine edges falling to 0
// at 200 Hz and at 3400 Hz, so nothing above 3.4 kHz passes.
double TelephoneGain(double hz);

// n samples at sample_rate (any rate; 8 kHz and below skip the resampling).
std::vector<float> TelephoneBand(const float* x, int64_t n, int sample_rate);

}  // namespace earshot
