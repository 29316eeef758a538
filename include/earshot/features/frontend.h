// The feature front end: mono samples in, a feature tensor out.
//
//   FrontEndOptions o;               // 40 log-mels, 30 ms / 10 ms windows
//   FrontEnd fe(o);                  // validates; builds windows, FFT plans, filters once
//   auto shape = fe.OutputShape(16000);          // {1, 40, 101}
//   std::vector<float> f = fe.Compute(samples);  // row-major, that shape
//
// Shapes: waveform -> {1, n}; spectrogram -> {C, n_fft/2+1, frames};
// mel -> {C, n_mels, frames}; mfcc -> {C, n_mfcc, frames}; C is the number
// of stacked resolutions (1 unless multi_n_fft is set). Compute and
// ComputeBatch are thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "earshot/features/frontend_options.h"

namespace earshot {

class FrontEnd {
 public:
  explicit FrontEnd(const FrontEndOptions& options);
  ~FrontEnd();
  FrontEnd(const FrontEnd&) = delete;
  FrontEnd& operator=(const FrontEnd&) = delete;

  const FrontEndOptions& options() const { return options_; }
  std::vector<int64_t> OutputShape(int64_t num_samples) const;
  int64_t OutputSize(int64_t num_samples) const;

  std::vector<float> Compute(const std::vector<float>& samples) const;
  void Compute(const float* samples, int64_t n, float* out) const;
  // `batch` clips of n samples each, contiguous; out holds batch x
  // OutputSize(n) values. Uses up to `threads` threads.
  void ComputeBatch(const float* clips, int64_t batch, int64_t n, float* out,
                    int threads = 1) const;

 private:
  void Build();  // the constructor's work; option errors renamed by the caller
  struct Impl;
  FrontEndOptions options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace earshot
