// Short-time Fourier transform to a magnitude or power spectrogram, as
// torch.stft(..., return_complex=True).abs().pow(power) (framing "torch")
// or tf.signal.stft (framing "tf").
//
//   Spectrogram spec(512, 480, 160, window, /*center=*/true, "reflect", "torch", 2.0);
//   std::vector<float> out(spec.Bins() * spec.Frames(n));
//   spec.Compute(samples, n, out.data());   // [bins][frames], row-major
//
// The FFT plan is made once, here; Compute is thread-safe and allocates
// nothing after a thread's first call.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace earshot {

class Spectrogram {
 public:
  Spectrogram(int n_fft, int win_length, int hop_length, const std::vector<float>& window,
              bool center, const std::string& pad_mode, const std::string& framing,
              double power);
  ~Spectrogram();
  Spectrogram(const Spectrogram&) = delete;
  Spectrogram& operator=(const Spectrogram&) = delete;

  int Bins() const { return n_fft_ / 2 + 1; }
  // Frames for a clip of n samples; throws if the clip is too short.
  int64_t Frames(int64_t n) const;
  // Writes Bins() x Frames(n) values, bin-major (torch.stft's layout).
  void Compute(const float* samples, int64_t n, float* out) const;
  // Writes Frames(n) x Bins() values, frame-major: each frame's spectrum is
  // contiguous, the order the mel filterbank reads fastest.
  void ComputeFrames(const float* samples, int64_t n, float* out) const;

 private:
  struct Plan;
  int n_fft_, win_length_, hop_;
  bool center_, reflect_, tf_framing_;
  double power_;
  std::vector<float> window_;  // win_length values, placed in an n_fft frame at offset_
  int offset_;
  std::unique_ptr<Plan> plan_;
};

}  // namespace earshot
