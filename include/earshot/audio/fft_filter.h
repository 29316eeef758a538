// Filtering whole clips through the FFT (audio/real_transform.h).
//
//   std::vector<float> wet = Convolve(x, n, ir.data(), ir.size());   // reverberation
//   ShapeSpectrum(x, n, 16000, [](double hz) { return hz < 3400 ? 1.0 : 0.0; });
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace earshot {

// Linear convolution, the first n samples: y[i] = sum_k h[k] x[i - k].
std::vector<float> Convolve(const float* x, int64_t n, const float* h, int64_t m);

// Reverberation: x convolved with the impulse response h, the first n
// samples, scaled back to x's mean power.
void Reverberate(float* x, int64_t n, const float* h, int64_t m);

// Zero-phase filtering by a magnitude response: each frequency f (Hz) of
// the clip is scaled by gain(f). The clip is zero-padded to at least twice
// its length, so a smooth response's short impulse response does not wrap
// around. gain is evaluated at 1,025 frequencies (sample_rate / 2048 apart)
// and interpolated linearly between them.
void ShapeSpectrum(float* x, int64_t n, int sample_rate, const std::function<double(double)>& gain);

}  // namespace earshot
