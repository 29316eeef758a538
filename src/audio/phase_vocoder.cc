#include "earshot/audio/phase_vocoder.h"

#include <algorithm>
#include <cmath>
#include <complex>

#include "earshot/audio/real_transform.h"
#include "earshot/util/error.h"

namespace earshot {
namespace {

constexpr int kFrame = 512;
constexpr int kHop = 128;  // synthesis hop

double WrapPhase(double p) { return p - 2.0 * M_PI * std::round(p / (2.0 * M_PI)); }

const std::vector<float>& Hann() {
  static const std::vector<float> w = [] {
    std::vector<float> v(kFrame);
    for (int i = 0; i < kFrame; ++i) v[i] = static_cast<float>(0.5 - 0.5 * std::cos(2.0 * M_PI * i / kFrame));
    return v;
  }();
  return w;
}

}  // namespace

std::vector<float> PhaseVocoder(const float* x, int64_t n, int sample_rate, double tempo,
                                const FrequencyMap& map) {
  if (!(tempo > 0.0 && tempo <= 100.0)) {
    ThrowOption("phase vocoder tempo should be in (0, 100]. Given: " + std::to_string(tempo));
  }
  const int64_t out_n = std::llround(static_cast<double>(n) / tempo);
  std::vector<float> out(static_cast<size_t>(std::max<int64_t>(out_n, 0)), 0.f);
  if (n <= 0 || out_n <= 0) return out;
  const std::vector<float>& w = Hann();
  const int bins = kFrame / 2 + 1;
  const double bin_hz = static_cast<double>(sample_rate) / kFrame;
  // Output bin k reads input position source[k] (in bins) and maps its
  // instantaneous frequency through map.forward.
  std::vector<double> source(bins);
  for (int k = 0; k < bins; ++k) source[k] = map.inverse ? map.inverse(k * bin_hz) / bin_hz : k;

  RealTransform& t = RealTransform::ForThread(kFrame);
  const int half = kFrame / 2;
  // Frames centred on output samples j * kHop, reading input around j * kHop * tempo.
  const int64_t frames = out_n / kHop + 2;
  std::vector<float> acc(static_cast<size_t>(out_n + kFrame), 0.f), norm(acc.size(), 0.f);
  std::vector<float> magnitude(bins), phase(bins);
  std::vector<double> previous_phase(bins), out_phase(bins);
  std::vector<double> frequency(bins);  // instantaneous, radians per input sample
  const double to_hz = sample_rate / (2.0 * M_PI);
  int64_t previous_start = 0;
  for (int64_t j = 0; j < frames; ++j) {
    const int64_t start = std::llround(static_cast<double>(j) * kHop * tempo) - half;
    for (int i = 0; i < kFrame; ++i) {
      const int64_t s = start + i;
      t.Time()[i] = s >= 0 && s < n ? x[s] * w[i] : 0.f;
    }
    t.Forward();
    const int64_t advance = start - previous_start;
    for (int k = 0; k < bins; ++k) {
      const std::complex<float> c = t.Spectrum()[k];
      magnitude[k] = std::sqrt(c.real() * c.real() + c.imag() * c.imag());
      phase[k] = std::atan2(c.imag(), c.real());
      const double expected = 2.0 * M_PI * k / kFrame;
      frequency[k] = j == 0 || advance <= 0
                         ? expected
                         : expected + WrapPhase(phase[k] - previous_phase[k] - expected * advance) / advance;
      previous_phase[k] = phase[k];
    }
    previous_start = start;
    for (int k = 0; k < bins; ++k) {
      const double s = source[k];
      double mag = 0, f = 0, p = 0;
      if (s >= 0 && s <= bins - 1) {
        const int lo = std::min(static_cast<int>(s), bins - 2);
        const double a = s - lo;
        mag = (1 - a) * magnitude[lo] + a * magnitude[lo + 1];
        const int near = a < 0.5 ? lo : lo + 1;
        f = frequency[near];
        if (map.forward) f = map.forward(f * to_hz) / to_hz;
        p = phase[near];
      }
      // Kept within [-pi, pi] so that float sin and cos stay exact enough.
      out_phase[k] = j == 0 ? p : WrapPhase(out_phase[k] + f * kHop);
      if (mag == 0) {
        t.Spectrum()[k] = 0.f;
        continue;
      }
      const float ph = static_cast<float>(out_phase[k]), m = static_cast<float>(mag);
      t.Spectrum()[k] = {m * std::cos(ph), m * std::sin(ph)};
    }
    t.Spectrum()[0] = std::real(t.Spectrum()[0]);
    t.Spectrum()[bins - 1] = std::real(t.Spectrum()[bins - 1]);
    t.Inverse();
    // Output frame centred on j * kHop; acc is offset by `half`.
    const int64_t o = j * kHop;
    for (int i = 0; i < kFrame; ++i) {
      const size_t at = static_cast<size_t>(o + i);
      if (at >= acc.size()) break;
      acc[at] += t.Time()[i] * w[i];
      norm[at] += w[i] * w[i];
    }
  }
  for (int64_t i = 0; i < out_n; ++i) {
    const size_t at = static_cast<size_t>(i + half);
    out[static_cast<size_t>(i)] = norm[at] > 1e-3f ? acc[at] / norm[at] : 0.f;
  }
  return out;
}

namespace {

// Stretching the spectrum widens (or narrows) each partial's peak, and so
// changes the power: the result is scaled back to the input's.
std::vector<float> KeepPower(const float* x, int64_t n, std::vector<float> y) {
  double px = 0, py = 0;
  for (int64_t i = 0; i < n; ++i) px += static_cast<double>(x[i]) * x[i];
  for (float v : y) py += static_cast<double>(v) * v;
  if (py > 0) {
    const float g = static_cast<float>(std::sqrt(px * static_cast<double>(y.size()) / (py * static_cast<double>(n))));
    for (float& v : y) v *= g;
  }
  return y;
}

}  // namespace

std::vector<float> ChangeTempo(const float* x, int64_t n, int sample_rate, double tempo) {
  return PhaseVocoder(x, n, sample_rate, tempo, {});
}

std::vector<float> PitchShift(const float* x, int64_t n, int sample_rate, double semitones) {
  const double r = std::pow(2.0, semitones / 12.0);
  FrequencyMap map{[r](double f) { return f * r; }, [r](double f) { return f / r; }};
  return KeepPower(x, n, PhaseVocoder(x, n, sample_rate, 1.0, map));
}

FrequencyMap VtlpMap(double alpha, int sample_rate, double f_hi) {
  const double nyquist = sample_rate / 2.0;
  const double f0 = std::min(f_hi * std::min(alpha, 1.0) / alpha, 0.99 * nyquist);
  const double g0 = alpha * f0;  // where f0 lands
  auto forward = [=](double f) {
    return f <= f0 ? alpha * f : nyquist - (nyquist - g0) / (nyquist - f0) * (nyquist - f);
  };
  auto inverse = [=](double g) {
    return g <= g0 ? g / alpha : nyquist - (nyquist - f0) / (nyquist - g0) * (nyquist - g);
  };
  return {forward, inverse};
}

std::vector<float> WarpVocalTract(const float* x, int64_t n, int sample_rate, double alpha) {
  if (!(alpha > 0.5 && alpha < 2.0)) {
    ThrowOption("VTLP factor should be in (0.5, 2). Given: " + std::to_string(alpha));
  }
  return KeepPower(x, n, PhaseVocoder(x, n, sample_rate, 1.0, VtlpMap(alpha, sample_rate)));
}

}  // namespace earshot
