#include "earshot/audio/real_transform.h"

#include <fftw3.h>

#include <map>
#include <memory>
#include <string>

#include "earshot/util/error.h"

namespace earshot {

std::mutex& FftwPlannerMutex() {
  static std::mutex m;
  return m;
}

RealTransform::RealTransform(int n) : n_(n) {
  if (n < 2 || n % 2 != 0) ThrowOption("real FFT size should be even and >= 2. Given: " + std::to_string(n));
  time_ = fftwf_alloc_real(static_cast<size_t>(n));
  spectrum_ = reinterpret_cast<std::complex<float>*>(fftwf_alloc_complex(static_cast<size_t>(n / 2 + 1)));
  auto* spectrum = reinterpret_cast<fftwf_complex*>(spectrum_);
  std::lock_guard<std::mutex> lock(FftwPlannerMutex());
  forward_ = fftwf_plan_dft_r2c_1d(n, time_, spectrum, FFTW_ESTIMATE);
  inverse_ = fftwf_plan_dft_c2r_1d(n, spectrum, time_, FFTW_ESTIMATE);
  if (!forward_ || !inverse_) ThrowOption("FFTW could not plan a real FFT of size " + std::to_string(n));
}

RealTransform::~RealTransform() {
  std::lock_guard<std::mutex> lock(FftwPlannerMutex());
  fftwf_destroy_plan(static_cast<fftwf_plan>(forward_));
  fftwf_destroy_plan(static_cast<fftwf_plan>(inverse_));
  fftwf_free(time_);
  fftwf_free(spectrum_);
}

RealTransform& RealTransform::ForThread(int n) {
  thread_local std::map<int, std::unique_ptr<RealTransform>> cache;
  auto& t = cache[n];
  if (!t) t = std::make_unique<RealTransform>(n);
  return *t;
}

void RealTransform::Forward() { fftwf_execute(static_cast<fftwf_plan>(forward_)); }

void RealTransform::Inverse() {
  fftwf_execute(static_cast<fftwf_plan>(inverse_));
  const float scale = 1.0f / static_cast<float>(n_);
  for (int i = 0; i < n_; ++i) time_[i] *= scale;
}

int NextPowerOfTwo(int64_t n) {
  int p = 1;
  while (p < n) p *= 2;
  return p;
}

}  // namespace earshot
