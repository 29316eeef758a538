// A phase vocoder: tempo and frequency changed separately, for voice
// augmentation.
//
//   std::vector<float> slow = ChangeTempo(x, n, 16000, 0.9);      // 1/0.9 as long, same pitch
//   std::vector<float> up = PitchShift(x, n, 16000, 3.0);         // 3 semitones up, same length
//   std::vector<float> longer_tract = WarpVocalTract(x, n, 16000, 0.9);  // VTLP
//
// Frames of 512 samples (Hann) every 128 output samples are read every
// 128 x tempo input samples. Each bin's instantaneous frequency is
// measured from its phase advance between analysis frames; output bin k
// takes the magnitude found at the input frequency that maps onto its own
// (linear interpolation between bins) and advances its phase at the mapped
// instantaneous frequency, so a sinusoid at f comes out at map(f).
// Overlap-add with the same window, divided by the sum of squared windows.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace earshot {

// A monotonic map of frequencies (Hz) and its inverse.
struct FrequencyMap {
  std::function<double(double)> forward;  // input Hz -> output Hz
  std::function<double(double)> inverse;  // output Hz -> input Hz
};

// round(n / tempo) samples (tempo > 0: > 1 faster). An empty map leaves
// frequencies in place.
std::vector<float> PhaseVocoder(const float* x, int64_t n, int sample_rate, double tempo,
                                const FrequencyMap& map);

// Tempo changed by `tempo`, frequencies kept.
std::vector<float> ChangeTempo(const float* x, int64_t n, int sample_rate, double tempo);

// Every frequency multiplied by 2^(semitones / 12), duration and mean
// power kept.
std::vector<float> PitchShift(const float* x, int64_t n, int sample_rate, double semitones);

// Vocal-tract-length perturbation (Jaitly & Hinton 2013): f -> alpha f up to
// f0 = f_hi min(alpha, 1) / alpha, then the straight line from alpha f0 to
// the Nyquist frequency, so the band stays whole. WarpVocalTract keeps the
// mean power.
FrequencyMap VtlpMap(double alpha, int sample_rate, double f_hi = 4800.0);
std::vector<float> WarpVocalTract(const float* x, int64_t n, int sample_rate, double alpha);

}  // namespace earshot
