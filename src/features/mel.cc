#include "earshot/features/mel.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "earshot/util/error.h"

namespace earshot {
namespace {

// Slaney's Auditory Toolbox scale: linear below 1 kHz, logarithmic above.
constexpr double kSlaneyFsp = 200.0 / 3.0;
constexpr double kSlaneyMinLogHz = 1000.0;
constexpr double kSlaneyMinLogMel = kSlaneyMinLogHz / kSlaneyFsp;
const double kSlaneyLogStep = std::log(6.4) / 27.0;

}  // namespace

double HzToMel(double hz, const std::string& scale) {
  if (scale == "htk") return 2595.0 * std::log10(1.0 + hz / 700.0);
  if (hz < kSlaneyMinLogHz) return hz / kSlaneyFsp;
  return kSlaneyMinLogMel + std::log(hz / kSlaneyMinLogHz) / kSlaneyLogStep;
}

double MelToHz(double mel, const std::string& scale) {
  if (scale == "htk") return 700.0 * (std::pow(10.0, mel / 2595.0) - 1.0);
  if (mel < kSlaneyMinLogMel) return mel * kSlaneyFsp;
  return kSlaneyMinLogHz * std::exp(kSlaneyLogStep * (mel - kSlaneyMinLogMel));
}

MelFilterbank::MelFilterbank(int n_freqs, int n_mels, int sample_rate, double f_min,
                             double f_max, const std::string& scale, const std::string& norm)
    : n_freqs_(n_freqs) {
  if (scale != "htk" && scale != "slaney") {
    ThrowOption("--mel_scale should be one of htk | slaney. Given: '" + scale + "'");
  }
  if (norm != "none" && norm != "slaney") {
    ThrowOption("--mel_norm should be one of none | slaney. Given: '" + norm + "'");
  }
  // torchaudio: bin centres linspace(0, sr // 2, n_freqs); mel points evenly
  // spaced between f_min and f_max, n_mels + 2 of them.
  std::vector<double> freqs(static_cast<size_t>(n_freqs));
  const double nyquist = sample_rate / 2;  // integer division, as torchaudio
  for (int i = 0; i < n_freqs; ++i) {
    freqs[static_cast<size_t>(i)] = n_freqs == 1 ? 0.0 : nyquist * i / (n_freqs - 1);
  }
  const double m_min = HzToMel(f_min, scale), m_max = HzToMel(f_max, scale);
  std::vector<double> f_pts(static_cast<size_t>(n_mels + 2));
  for (int i = 0; i < n_mels + 2; ++i) {
    f_pts[static_cast<size_t>(i)] = MelToHz(m_min + (m_max - m_min) * i / (n_mels + 1), scale);
  }
  filters_.reserve(static_cast<size_t>(n_mels));
  for (int m = 0; m < n_mels; ++m) {
    const double lo = f_pts[static_cast<size_t>(m)], mid = f_pts[static_cast<size_t>(m + 1)],
                 hi = f_pts[static_cast<size_t>(m + 2)];
    const double enorm = norm == "slaney" ? 2.0 / (hi - lo) : 1.0;
    Filter f{-1, {}};
    for (int i = 0; i < n_freqs; ++i) {
      const double fr = freqs[static_cast<size_t>(i)];
      const double down = (fr - lo) / (mid - lo), up = (hi - fr) / (hi - mid);
      const double w = std::max(0.0, std::min(down, up)) * enorm;
      if (w > 0) {
        if (f.first_bin < 0) f.first_bin = i;
        f.weights.resize(static_cast<size_t>(i - f.first_bin + 1), 0.f);
        f.weights.back() = static_cast<float>(w);
      }
    }
    if (f.first_bin < 0) {
      std::ostringstream os;
      os << "mel filter " << m << " of " << n_mels << " is empty: no FFT bin between " << lo
         << " and " << hi << " Hz (bins are " << nyquist / (n_freqs - 1)
         << " Hz apart with n_fft " << 2 * (n_freqs - 1) << "); lower --n_mels (" << n_mels
         << "), raise --n_fft, or raise --f_min";
      ThrowOption(os.str());
    }
    filters_.push_back(std::move(f));
  }
}

void MelFilterbank::Apply(const float* spec, int64_t frames, float* out) const {
  const int n_mels = NumMels();
  // Four frames at a time: four independent sums per weight keep the adder
  // busy where one running sum would wait on itself. Each frame's sum is
  // still taken in bin order, so results do not depend on the grouping.
  int64_t t = 0;
  for (; t + 4 <= frames; t += 4) {
    const float* f0 = spec + t * n_freqs_;
    const float* f1 = f0 + n_freqs_;
    const float* f2 = f1 + n_freqs_;
    const float* f3 = f2 + n_freqs_;
    for (int m = 0; m < n_mels; ++m) {
      const Filter& f = filters_[static_cast<size_t>(m)];
      const float* w = f.weights.data();
      const int first = f.first_bin, len = static_cast<int>(f.weights.size());
      float s0 = 0.f, s1 = 0.f, s2 = 0.f, s3 = 0.f;
      for (int k = 0; k < len; ++k) {
        s0 += w[k] * f0[first + k];
        s1 += w[k] * f1[first + k];
        s2 += w[k] * f2[first + k];
        s3 += w[k] * f3[first + k];
      }
      float* dst = out + m * frames + t;
      dst[0] = s0;
      dst[1] = s1;
      dst[2] = s2;
      dst[3] = s3;
    }
  }
  for (; t < frames; ++t) {
    const float* frame = spec + t * n_freqs_;
    for (int m = 0; m < n_mels; ++m) {
      const Filter& f = filters_[static_cast<size_t>(m)];
      const float* w = f.weights.data();
      const int first = f.first_bin, len = static_cast<int>(f.weights.size());
      float sum = 0.f;
      for (int k = 0; k < len; ++k) sum += w[k] * frame[first + k];
      out[m * frames + t] = sum;
    }
  }
}

std::vector<float> MelFilterbank::Dense() const {
  std::vector<float> d(static_cast<size_t>(n_freqs_) * filters_.size(), 0.f);
  for (size_t m = 0; m < filters_.size(); ++m) {
    for (size_t k = 0; k < filters_[m].weights.size(); ++k) {
      d[(static_cast<size_t>(filters_[m].first_bin) + k) * filters_.size() + m] = filters_[m].weights[k];
    }
  }
  return d;
}

}  // namespace earshot
