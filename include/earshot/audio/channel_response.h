// The magnitude response of a recording channel (microphone, amplifier,
// loudspeaker): equaliser bands, a spectral tilt and a microphone-like
// high-pass, applied in one zero-phase pass (audio/fft_filter.h).
//
//   ChannelResponse c;
//   c.bands = {{800.0, 6.0, 1.0}};    // +6 dB around 800 Hz, an octave wide
//   c.tilt_db_per_octave = -2.0;      // darker
//   c.highpass_hz = 200.0;            // a small microphone's low cut
//   ApplyChannel(x, n, 16000, c);
#pragma once

#include <cstdint>
#include <vector>

namespace earshot {

struct EqualizerBand {
  double hz = 1000.0;      // centre
  double gain_db = 0.0;    // at the centre
  double octaves = 1.0;    // width: the gain in dB falls as a Gaussian of log2(f / hz) with this sigma
};

struct ChannelResponse {
  std::vector<EqualizerBand> bands;
  double tilt_db_per_octave = 0.0;  // about 1 kHz, flat below 50 Hz
  double highpass_hz = 0.0;         // second-order Butterworth magnitude; 0: none

  // Linear gain at `hz`.
  double Gain(double hz) const;
};

void ApplyChannel(float* x, int64_t n, int sample_rate, const ChannelResponse& channel);

}  // namespace earshot
