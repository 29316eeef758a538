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

class RealFft;

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
  // Frames grouped by four: frame t's bin b goes to
  // out[((t / 4) * Bins() + b) * 4 + t % 4], so the four frames of a group
  // sit side by side in each bin, the layout in which the mel filterbank
  // sums them in one vector. A last, partial group is padded with zeros:
  // GroupedSize(n) values.
  static constexpr int kGroup = 4;
  void ComputeGrouped(const float* samples, int64_t n, float* out) const;
  int64_t GroupedSize(int64_t n) const {
    return (Frames(n) + kGroup - 1) / kGroup * kGroup * Bins();
  }

 private:
  // The win_length samples frame t multiplies by the window: in the clip
  // itself, or copied to `edge` with the centre padding where the frame
  // reaches past the clip's ends.
  const float* WindowedSamples(const float* samples, int64_t n, int64_t t, float* edge) const;

  int n_fft_, win_length_, hop_;
  bool center_, reflect_, tf_framing_;
  double power_;
  std::vector<float> window_;  // win_length values, placed in an n_fft frame at offset_
  int offset_;
  std::unique_ptr<RealFft> fft_;
};

}  // namespace earshot
