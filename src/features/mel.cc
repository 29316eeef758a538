#include "earshot/features/mel.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "earshot/features/spectrogram.h"
#include "earshot/util/error.h"
#include "simd.h"

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

namespace {

using simd::F4;
using simd::F8;
using Filter = MelFilterbank::Filter;

constexpr int kGroup = Spectrogram::kGroup;  // frames side by side in the spectrogram

// A vector of V's lanes from the same bin of consecutive groups: one group
// in an F4, two in an F8.
template <typename V>
EARSHOT_INLINE V LoadGroups(const float* bin, int64_t group_floats);

template <>
EARSHOT_INLINE F4 LoadGroups<F4>(const float* bin, int64_t) {
  return simd::Load<F4>(bin);
}

template <>
EARSHOT_INLINE F8 LoadGroups<F8>(const float* bin, int64_t group_floats) {
  return simd::Concat(simd::Load<F4>(bin), simd::Load<F4>(bin + group_floats));
}

// Every filter over G vectors of frames from group first_group: each weight
// feeds G independent sums, so the adds do not wait on one another. Lane j
// of sum[i] is one frame, whose sum is taken in bin order, lane by lane:
// results do not depend on the grouping or the vector width.
template <typename V, int G>
EARSHOT_INLINE void SumFilters(const std::vector<Filter>& filters, int n_freqs, const float* spec,
                               int64_t first_group, int64_t frames, float* out) {
  constexpr int kLanes = simd::kLanes<V>;
  const int64_t group_floats = static_cast<int64_t>(n_freqs) * kGroup;
  const int64_t vector_floats = group_floats * (kLanes / kGroup);
  const float* first = spec + first_group * group_floats;
  for (size_t m = 0; m < filters.size(); ++m) {
    const Filter& f = filters[m];
    const float* w = f.weights.data();
    const float* bins = first + static_cast<int64_t>(f.first_bin) * kGroup;
    const int len = static_cast<int>(f.weights.size());
    V sum[G];
    for (int i = 0; i < G; ++i) sum[i] = simd::Splat<V>(0.f);
    for (int k = 0; k < len; ++k) {
      const V weight = simd::Splat<V>(w[k]);
      for (int i = 0; i < G; ++i) {
        sum[i] += weight * LoadGroups<V>(bins + i * vector_floats + k * kGroup, group_floats);
      }
    }
    for (int i = 0; i < G; ++i) {
      const int64_t t = first_group * kGroup + i * kLanes;  // the first frame in sum[i]
      float* dst = out + static_cast<int64_t>(m) * frames + t;
      if (t + kLanes <= frames) {
        simd::Store(dst, sum[i]);
      } else {
        for (int64_t j = 0; j < frames - t; ++j) dst[j] = sum[i][j];
      }
    }
  }
}

// Four vectors of frames per pass over the filters while there are that
// many groups left, then one, then the last group alone.
template <typename V>
EARSHOT_INLINE void ApplyFilters(const std::vector<Filter>& filters, int n_freqs,
                                 const float* spec, int64_t frames, float* out) {
  constexpr int kGroupsPerVector = simd::kLanes<V> / kGroup;
  const int64_t groups = (frames + kGroup - 1) / kGroup;
  int64_t g = 0;
  for (; g + 4 * kGroupsPerVector <= groups; g += 4 * kGroupsPerVector) {
    SumFilters<V, 4>(filters, n_freqs, spec, g, frames, out);
  }
  for (; g + kGroupsPerVector <= groups; g += kGroupsPerVector) {
    SumFilters<V, 1>(filters, n_freqs, spec, g, frames, out);
  }
  for (; g < groups; ++g) SumFilters<F4, 1>(filters, n_freqs, spec, g, frames, out);
}

EARSHOT_AVX2 void ApplyAvx2(const std::vector<Filter>& filters, int n_freqs, const float* spec,
                            int64_t frames, float* out) {
  ApplyFilters<F8>(filters, n_freqs, spec, frames, out);
}

}  // namespace

void MelFilterbank::Apply(const float* spec, int64_t frames, float* out) const {
  if (simd::HasAvx2()) return ApplyAvx2(filters_, n_freqs_, spec, frames, out);
  ApplyFilters<simd::F4>(filters_, n_freqs_, spec, frames, out);
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
