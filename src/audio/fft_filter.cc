#include "earshot/audio/fft_filter.h"

#include <algorithm>
#include <cmath>
#include <complex>

#include "earshot/audio/mix_snr.h"
#include "earshot/audio/real_transform.h"

namespace earshot {
namespace {

constexpr int kGridPoints = 1024;

}  // namespace

std::vector<float> Convolve(const float* x, int64_t n, const float* h, int64_t m) {
  std::vector<float> y(static_cast<size_t>(std::max<int64_t>(n, 0)), 0.f);
  if (n <= 0 || m <= 0) return y;
  RealTransform& t = RealTransform::ForThread(NextPowerOfTwo(n + m - 1));
  const int size = t.Size();
  std::fill(t.Time(), t.Time() + size, 0.f);
  std::copy(h, h + m, t.Time());
  t.Forward();
  const std::vector<std::complex<float>> hs(t.Spectrum(), t.Spectrum() + t.Bins());
  std::fill(t.Time(), t.Time() + size, 0.f);
  std::copy(x, x + n, t.Time());
  t.Forward();
  for (int k = 0; k < t.Bins(); ++k) t.Spectrum()[k] *= hs[static_cast<size_t>(k)];
  t.Inverse();
  std::copy(t.Time(), t.Time() + n, y.begin());
  return y;
}

void Reverberate(float* x, int64_t n, const float* h, int64_t m) {
  const double dry = MeanPower(x, n);
  const std::vector<float> wet = Convolve(x, n, h, m);
  const double power = MeanPower(wet.data(), n);
  const float g = power > 0 ? static_cast<float>(std::sqrt(dry / power)) : 0.f;
  for (int64_t i = 0; i < n; ++i) x[i] = g * wet[static_cast<size_t>(i)];
}

void ShapeSpectrum(float* x, int64_t n, int sample_rate, const std::function<double(double)>& gain) {
  if (n <= 0) return;
  RealTransform& t = RealTransform::ForThread(NextPowerOfTwo(2 * n));
  const int size = t.Size();
  std::fill(t.Time(), t.Time() + size, 0.f);
  std::copy(x, x + n, t.Time());
  t.Forward();
  // The response is evaluated on a grid of kGridPoints frequencies and
  // interpolated linearly between them (8 Hz apart at 16 kHz): a smooth
  // response's curve costs as much as the FFTs otherwise.
  const int bins = t.Bins();
  const int step = std::max(1, (bins - 1) / kGridPoints);
  double g0 = gain(0.0);
  for (int k0 = 0; k0 < bins - 1; k0 += step) {
    const int k1 = std::min(k0 + step, bins - 1);
    const double g1 = gain(static_cast<double>(k1) * sample_rate / size);
    for (int k = k0; k < k1; ++k) {
      const double a = static_cast<double>(k - k0) / (k1 - k0);
      t.Spectrum()[k] *= static_cast<float>(g0 + a * (g1 - g0));
    }
    g0 = g1;
  }
  t.Spectrum()[bins - 1] *= static_cast<float>(g0);
  t.Inverse();
  std::copy(t.Time(), t.Time() + n, x);
}

}  // namespace earshot
