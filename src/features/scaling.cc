#include "earshot/features/scaling.h"

#include <algorithm>
#include <cmath>

#include "vector_log.h"

namespace earshot {
namespace {

using simd::F4;
using simd::F8;

// Values outside the vector log's domain (0, subnormals, negatives, inf,
// NaN: not seen with a positive offset and finite input) take std::log,
// so a value's result never depends on its neighbours. Out of line: it is
// never on the fast path. The test is LogDomain's, on floats.
[[gnu::noinline]] void LogOutsideDomain(const float* sums, float* out, int n) {
  for (int j = 0; j < n; ++j) {
    if (!(sums[j] >= simd::kLogMin && sums[j] <= simd::kLogMax)) out[j] = std::log(sums[j]);
  }
}

// x[0, lanes) <- log(x + offset).
template <typename V>
EARSHOT_INLINE void LogOfSum(float* x, float offset) {
  const V sum = simd::Load<V>(x) + offset;
  simd::Store(x, simd::Log(sum));
  if (__builtin_expect(!simd::AllTrue(simd::LogDomain(sum)), 0)) {
    float sums[simd::kLanes<V>];
    simd::Store(sums, sum);
    LogOutsideDomain(sums, x, simd::kLanes<V>);
  }
}

template <typename V>
EARSHOT_INLINE void LogLoop(float* x, int64_t n, float offset) {
  int64_t i = 0;
  for (; i + simd::kLanes<V> <= n; i += simd::kLanes<V>) LogOfSum<V>(x + i, offset);
  for (; i + 4 <= n; i += 4) LogOfSum<F4>(x + i, offset);
  if (i < n) {  // the last one to three values, through the same code
    float rest[4] = {1.f, 1.f, 1.f, 1.f};
    std::copy(x + i, x + n, rest);
    LogOfSum<F4>(rest, offset);
    std::copy(rest, rest + (n - i), x + i);
  }
}

EARSHOT_AVX2 void ApplyLogAvx2(float* x, int64_t n, float offset) {
  LogLoop<F8>(x, n, offset);
}

}  // namespace

void ApplyLog(float* x, int64_t n, float offset) {
  if (simd::HasAvx2()) return ApplyLogAvx2(x, n, offset);
  LogLoop<F4>(x, n, offset);
}

void ApplyDb(float* x, int64_t n, double multiplier, bool ref_max, double amin, double top_db) {
  if (n == 0) return;
  const float famin = static_cast<float>(amin);
  double ref = 1.0;
  if (ref_max) ref = *std::max_element(x, x + n);
  const float offset = static_cast<float>(multiplier * std::log10(std::max(ref, amin)));
  const float mult = static_cast<float>(multiplier);
  float peak = -INFINITY;
  for (int64_t i = 0; i < n; ++i) {
    x[i] = mult * std::log10(std::max(x[i], famin)) - offset;
    peak = std::max(peak, x[i]);
  }
  if (top_db > 0) {
    const float floor = peak - static_cast<float>(top_db);
    for (int64_t i = 0; i < n; ++i) x[i] = std::max(x[i], floor);
  }
}

Dct::Dct(int n_mfcc, int n_mels)
    : n_mfcc_(n_mfcc), n_mels_(n_mels), matrix_(static_cast<size_t>(n_mfcc) * n_mels) {
  const double scale0 = std::sqrt(1.0 / n_mels), scale = std::sqrt(2.0 / n_mels);
  for (int k = 0; k < n_mfcc; ++k) {
    for (int m = 0; m < n_mels; ++m) {
      matrix_[static_cast<size_t>(k) * n_mels + m] = static_cast<float>(
          (k == 0 ? scale0 : scale) * std::cos(M_PI / n_mels * (m + 0.5) * k));
    }
  }
}

void Dct::Apply(const float* in, int64_t frames, float* out) const {
  std::fill(out, out + static_cast<int64_t>(n_mfcc_) * frames, 0.f);
  for (int k = 0; k < n_mfcc_; ++k) {
    float* dst = out + static_cast<int64_t>(k) * frames;
    for (int m = 0; m < n_mels_; ++m) {
      const float c = matrix_[static_cast<size_t>(k) * n_mels_ + m];
      const float* src = in + static_cast<int64_t>(m) * frames;
      for (int64_t t = 0; t < frames; ++t) dst[t] += c * src[t];
    }
  }
}

}  // namespace earshot
