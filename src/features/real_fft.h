// The power (or magnitude) spectrum of real frames, four frames at a time.
//
//   RealFft fft(512);
//   for (int j = 0; j < 4; ++j) fft.Transform(frame[j], spectra + j * fft.SpectrumFloats());
//   fft.Power4(spectra, /*magnitude=*/false, out);   // out[k * 4 + j] = |X_j[k]|^2
//
// For an even n the frame is read as n/2 complex numbers (even samples the
// real parts, odd samples the imaginary), transformed by a complex FFT of
// n/2 points and split into the n/2 + 1 bins of the real transform. Under
// FFTW_ESTIMATE, FFTW plans that complex FFT with its SIMD codelets but
// starts its real transform with a slow radix-2 step: on the benchmark
// machine, 101 frames of 512 take 41 us through fftwf_plan_dft_r2c_1d and
// 20 us as complex FFTs of 256, to which the split adds about 9 us (done
// here together with the power, four or eight frames per vector). Odd n
// uses the real transform directly.
//
// Power4 writes bins with the four frames side by side, the layout in which
// the mel filterbank sums four frames in one vector.
#pragma once

#include <fftw3.h>

#include <cstddef>
#include <vector>

namespace earshot {

class RealFft {
 public:
  explicit RealFft(int n);
  ~RealFft();
  RealFft(const RealFft&) = delete;
  RealFft& operator=(const RealFft&) = delete;

  int Size() const { return n_; }
  int Bins() const { return n_ / 2 + 1; }
  // Floats one spectrum takes in the work space, a multiple of 16 so that
  // spectra stored back to back all keep FFTW's alignment.
  size_t SpectrumFloats() const { return spectrum_floats_; }
  // frame: Size() floats (left unchanged); spectrum: SpectrumFloats()
  // floats. Both aligned as fftwf_malloc aligns, as the plan was made.
  // Thread-safe.
  void Transform(const float* frame, float* spectrum) const;
  // spectra: four Transform outputs, SpectrumFloats() apart ->
  // out[k * 4 + j] = |X_j[k]|^2, or |X_j[k]| when `magnitude`, k < Bins().
  void Power4(const float* spectra, bool magnitude, float* out) const;

 private:
  int n_;
  size_t spectrum_floats_;
  fftwf_plan plan_;  // complex FFT of n/2 points (even n), real FFT of n (odd n)
  std::vector<float> twiddle_re_, twiddle_im_;  // exp(-2 pi i k / n), k = 0..n/2
  std::vector<float> twiddles_;                 // the same, repeated for vectors of frames
};

}  // namespace earshot
