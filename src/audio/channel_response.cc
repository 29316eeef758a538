#include "earshot/audio/channel_response.h"

#include <algorithm>
#include <cmath>

#include "earshot/audio/fft_filter.h"

namespace earshot {

double ChannelResponse::Gain(double hz) const {
  const double f = std::max(hz, 1.0);
  double db = tilt_db_per_octave * std::log2(std::max(f, 50.0) / 1000.0);
  for (const EqualizerBand& b : bands) {
    const double d = std::log2(f / b.hz) / b.octaves;
    db += b.gain_db * std::exp(-0.5 * d * d);
  }
  double g = std::pow(10.0, db / 20.0);
  if (highpass_hz > 0) {
    const double r = highpass_hz / f;
    g /= std::sqrt(1.0 + r * r * r * r);
  }
  return g;
}

void ApplyChannel(float* x, int64_t n, int sample_rate, const ChannelResponse& channel) {
  ShapeSpectrum(x, n, sample_rate, [&](double hz) { return hz <= 0 ? 0.0 : channel.Gain(hz); });
}

}  // namespace earshot
