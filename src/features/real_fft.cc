#include "real_fft.h"

#include <cmath>
#include <memory>
#include <mutex>

#include "earshot/audio/real_transform.h"
#include "earshot/util/error.h"
#include "simd.h"

namespace earshot {
namespace {

using simd::F4;
using simd::F8;

struct FftwFree {
  void operator()(void* p) const { fftwf_free(p); }
};

// Bins k and m = n/2 - k of the real transform, on several frames at once
// (one per lane), from the same two bins of the half-length complex one:
//   E = (Z[k] + conj Z[m]) / 2    (spectrum of the even samples)
//   O = (Z[k] - conj Z[m]) / 2i   (spectrum of the odd samples)
//   X[k] = E + W^k O,  W = exp(-2 pi i / n),
// and X[m] from the same sums and differences, as W^m = -conj W^k.
template <typename V>
struct PowerPair {
  V k, m;  // |X[k]|^2, |X[m]|^2
};

template <typename V>
EARSHOT_INLINE PowerPair<V> PowerOfPair(V re_k, V im_k, V re_m, V im_m, V wr, V wi) {
  const V sum_re = re_k + re_m, dif_im = im_k - im_m;  // 2E
  const V dif_re = re_k - re_m, sum_im = im_k + im_m;  // 2iO
  const V p = wr * sum_im + wi * dif_re, q = wi * sum_im - wr * dif_re;  // 2 W^k O
  const V k_re = sum_re + p, k_im = dif_im + q;                           // 2X[k]
  const V m_re = sum_re - p, m_im = q - dif_im;                           // 2X[m]
  // |2X|^2 / 4: the halvings left to one exact multiplication.
  return {0.25f * (k_re * k_re + k_im * k_im), 0.25f * (m_re * m_re + m_im * m_im)};
}

// Power4 for an even n. Each step takes bins k, k + 1 and their mirrors
// m = half - k, m - 1: one load per frame gives two bins, and a transpose
// puts the four frames of each real or imaginary part in one F4. With F8,
// bins k and k + 1 (and m and m - 1) share a vector.
template <typename V>
EARSHOT_INLINE void PowerEven(const float* spectra, size_t stride, int half,
                              const float* twiddles, const float* twiddle_re,
                              const float* twiddle_im, float* out) {
  const float* s0 = spectra;
  const float* s1 = s0 + stride;
  const float* s2 = s1 + stride;
  const float* s3 = s2 + stride;
  int k = 0;
  for (; 2 * k + 2 < half; k += 2) {
    F4 re_k = simd::Load<F4>(s0 + 2 * k), im_k = simd::Load<F4>(s1 + 2 * k);
    F4 re_k1 = simd::Load<F4>(s2 + 2 * k), im_k1 = simd::Load<F4>(s3 + 2 * k);
    simd::Transpose(re_k, im_k, re_k1, im_k1);  // rows were frames; now lane j is frame j
    const int m = half - k;
    F4 re_m1 = simd::Load<F4>(s0 + 2 * (m - 1)), im_m1 = simd::Load<F4>(s1 + 2 * (m - 1));
    F4 re_m = simd::Load<F4>(s2 + 2 * (m - 1)), im_m = simd::Load<F4>(s3 + 2 * (m - 1));
    simd::Transpose(re_m1, im_m1, re_m, im_m);
    const float* w = twiddles + 8 * k;  // W^k, W^(k+1): real parts, then imaginary
    if constexpr (simd::kLanes<V> == 4) {
      const auto p0 = PowerOfPair<F4>(re_k, im_k, re_m, im_m, simd::Load<F4>(w),
                                      simd::Load<F4>(w + 8));
      const auto p1 = PowerOfPair<F4>(re_k1, im_k1, re_m1, im_m1, simd::Load<F4>(w + 4),
                                      simd::Load<F4>(w + 12));
      simd::Store(out + 4 * k, p0.k);
      simd::Store(out + 4 * (k + 1), p1.k);
      simd::Store(out + 4 * m, p0.m);
      simd::Store(out + 4 * (m - 1), p1.m);
    } else {
      const auto p = PowerOfPair<F8>(
          simd::Concat(re_k, re_k1), simd::Concat(im_k, im_k1), simd::Concat(re_m, re_m1),
          simd::Concat(im_m, im_m1), simd::Load<F8>(w), simd::Load<F8>(w + 8));
      simd::Store(out + 4 * k, p.k);  // bins k, k + 1
      simd::Store(out + 4 * m, simd::Low(p.m));
      simd::Store(out + 4 * (m - 1), simd::High(p.m));
    }
  }
  for (int b = k; b <= half - k; ++b) {  // the one to three bins in the middle
    const int m = half - b;
    const F4 re_b{s0[2 * b], s1[2 * b], s2[2 * b], s3[2 * b]};
    const F4 im_b{s0[2 * b + 1], s1[2 * b + 1], s2[2 * b + 1], s3[2 * b + 1]};
    const F4 re_m{s0[2 * m], s1[2 * m], s2[2 * m], s3[2 * m]};
    const F4 im_m{s0[2 * m + 1], s1[2 * m + 1], s2[2 * m + 1], s3[2 * m + 1]};
    const auto p = PowerOfPair<F4>(re_b, im_b, re_m, im_m, simd::Splat<F4>(twiddle_re[b]),
                                   simd::Splat<F4>(twiddle_im[b]));
    simd::Store(out + 4 * b, p.k);
  }
}

EARSHOT_AVX2 void PowerEvenAvx2(const float* spectra, size_t stride, int half,
                                const float* twiddles, const float* twiddle_re,
                                const float* twiddle_im, float* out) {
  PowerEven<F8>(spectra, stride, half, twiddles, twiddle_re, twiddle_im, out);
}

}  // namespace

RealFft::RealFft(int n)
    // n + 2: the half-length spectrum's n/2 values and a copy of its first
    // at n/2, so that bin n/2's mirror needs no special case.
    : n_(n), spectrum_floats_((static_cast<size_t>(n) + 2 + 15) / 16 * 16), plan_(nullptr) {
  if (n < 2) ThrowOption("FFT size should be >= 2. Given: " + std::to_string(n));
  std::unique_ptr<float, FftwFree> in(fftwf_alloc_real(static_cast<size_t>(n)));
  std::unique_ptr<float, FftwFree> out(fftwf_alloc_real(spectrum_floats_));
  {
    std::lock_guard<std::mutex> lock(FftwPlannerMutex());
    // FFTW_ESTIMATE, not FFTW_MEASURE: a measured plan depends on timings,
    // so two processes could round differently, and the same seed would no
    // longer give the same features, batches and metrics.
    const unsigned flags = FFTW_ESTIMATE | FFTW_PRESERVE_INPUT;
    if (n % 2 == 0) {
      plan_ = fftwf_plan_dft_1d(n / 2, reinterpret_cast<fftwf_complex*>(in.get()),
                                reinterpret_cast<fftwf_complex*>(out.get()), FFTW_FORWARD, flags);
    } else {
      plan_ = fftwf_plan_dft_r2c_1d(n, in.get(), reinterpret_cast<fftwf_complex*>(out.get()),
                                    flags);
    }
  }
  if (!plan_) ThrowOption("FFTW could not plan an FFT of size " + std::to_string(n));
  if (n % 2 == 0) {
    twiddle_re_.resize(static_cast<size_t>(n / 2 + 1));
    twiddle_im_.resize(static_cast<size_t>(n / 2 + 1));
    for (int k = 0; k <= n / 2; ++k) {
      const double angle = -2.0 * M_PI * k / n;
      twiddle_re_[static_cast<size_t>(k)] = static_cast<float>(std::cos(angle));
      twiddle_im_[static_cast<size_t>(k)] = static_cast<float>(std::sin(angle));
    }
    twiddle_im_.back() = 0.f;  // exactly -1 at n/2 (sin(-pi) is 1e-16, not 0)
    // For each even k, four copies each of Re W^k, Re W^(k+1), Im W^k,
    // Im W^(k+1): loaded as they are into vectors of four or eight frames.
    twiddles_.assign(static_cast<size_t>(8 * (n / 2 + 2)), 0.f);
    for (int k = 0; k + 1 <= n / 2; k += 2) {
      for (int j = 0; j < 4; ++j) {
        float* w = twiddles_.data() + 8 * k;
        w[j] = twiddle_re_[static_cast<size_t>(k)];
        w[4 + j] = twiddle_re_[static_cast<size_t>(k + 1)];
        w[8 + j] = twiddle_im_[static_cast<size_t>(k)];
        w[12 + j] = twiddle_im_[static_cast<size_t>(k + 1)];
      }
    }
  }
}

RealFft::~RealFft() {
  std::lock_guard<std::mutex> lock(FftwPlannerMutex());
  if (plan_) fftwf_destroy_plan(plan_);
}

void RealFft::Transform(const float* frame, float* spectrum) const {
  // FFTW_PRESERVE_INPUT keeps the frame, so callers may leave its zero
  // padding in place from one frame to the next.
  float* in = const_cast<float*>(frame);
  if (n_ % 2 == 0) {
    fftwf_execute_dft(plan_, reinterpret_cast<fftwf_complex*>(in),
                      reinterpret_cast<fftwf_complex*>(spectrum));
    spectrum[n_] = spectrum[0];  // Z[n/2] = Z[0]: the mirror of bin n/2
    spectrum[n_ + 1] = spectrum[1];
  } else {
    fftwf_execute_dft_r2c(plan_, in, reinterpret_cast<fftwf_complex*>(spectrum));
  }
}

void RealFft::Power4(const float* spectra, bool magnitude, float* out) const {
  const int bins = Bins();
  if (n_ % 2 == 0) {
    const float *tw = twiddles_.data(), *re = twiddle_re_.data(), *im = twiddle_im_.data();
    if (simd::HasAvx2()) {
      PowerEvenAvx2(spectra, spectrum_floats_, n_ / 2, tw, re, im, out);
    } else {
      PowerEven<F4>(spectra, spectrum_floats_, n_ / 2, tw, re, im, out);
    }
  } else {
    for (int k = 0; k < bins; ++k) {  // odd n: the real transform's bins as they are
      F4 re, im;
      for (int j = 0; j < 4; ++j) {
        re[j] = spectra[j * spectrum_floats_ + 2 * k];
        im[j] = spectra[j * spectrum_floats_ + 2 * k + 1];
      }
      simd::Store(out + 4 * k, re * re + im * im);
    }
  }
  if (magnitude) {
    for (int i = 0; i < 4 * bins; ++i) out[i] = std::sqrt(out[i]);
  }
}

}  // namespace earshot
