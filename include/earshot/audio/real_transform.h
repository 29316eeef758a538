// Forward and inverse real FFTs of one size (FFTW, single precision) with
// their own aligned buffers, for the audio transforms that need a spectrum
// they can change and turn back into samples (convolution, spectral
// shaping, the phase vocoder). The front end's power spectra are
// features/real_fft.h.
//
//   RealTransform& t = RealTransform::ForThread(1024);
//   std::copy(x, x + 1024, t.Time());
//   t.Forward();                       // t.Spectrum()[k], k <= 512
//   t.Spectrum()[3] = 0;
//   t.Inverse();                       // back in t.Time(), scaled by 1/n
//
// FFTW's planner is not thread-safe: every plan in earshot is made and
// destroyed while holding FftwPlannerMutex(). Plans use FFTW_ESTIMATE, so
// results do not depend on timings.
#pragma once

#include <complex>
#include <cstdint>
#include <mutex>

namespace earshot {

std::mutex& FftwPlannerMutex();

class RealTransform {
 public:
  explicit RealTransform(int n);  // n >= 2, even
  ~RealTransform();
  RealTransform(const RealTransform&) = delete;
  RealTransform& operator=(const RealTransform&) = delete;

  // One transform per size and thread, made on first use.
  static RealTransform& ForThread(int n);

  int Size() const { return n_; }
  int Bins() const { return n_ / 2 + 1; }
  float* Time() { return time_; }                       // Size() samples
  std::complex<float>* Spectrum() { return spectrum_; }  // Bins() values
  void Forward();  // Time() -> Spectrum(); Time() is overwritten
  void Inverse();  // Spectrum() -> Time(), divided by Size(); Spectrum() is overwritten

 private:
  int n_;
  float* time_;
  std::complex<float>* spectrum_;
  void* forward_;
  void* inverse_;
};

// The smallest power of two >= n (n >= 1).
int NextPowerOfTwo(int64_t n);

}  // namespace earshot
