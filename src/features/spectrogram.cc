#include "earshot/features/spectrogram.h"

#include <fftw3.h>

#include <cmath>
#include <mutex>

#include "earshot/util/error.h"

namespace earshot {
namespace {

// FFTW's planner is not thread-safe; execution with new arrays is.
std::mutex& PlannerMutex() {
  static std::mutex m;
  return m;
}

struct FftwFree {
  void operator()(void* p) const { fftwf_free(p); }
};

}  // namespace

struct Spectrogram::Plan {
  fftwf_plan plan = nullptr;
  ~Plan() {
    std::lock_guard<std::mutex> lock(PlannerMutex());
    if (plan) fftwf_destroy_plan(plan);
  }
};

Spectrogram::Spectrogram(int n_fft, int win_length, int hop_length,
                         const std::vector<float>& window, bool center,
                         const std::string& pad_mode, const std::string& framing, double power)
    : n_fft_(n_fft), win_length_(win_length), hop_(hop_length), center_(center),
      reflect_(pad_mode == "reflect"), tf_framing_(framing == "tf"), power_(power),
      window_(window), offset_(framing == "tf" ? 0 : (n_fft - win_length) / 2),
      plan_(std::make_unique<Plan>()) {
  if (n_fft < 2 || win_length < 1 || win_length > n_fft || hop_length < 1 ||
      static_cast<int>(window.size()) != win_length) {
    ThrowOption("Spectrogram: need 1 <= win_length <= n_fft, hop >= 1 and a window of win_length. "
                "Given: n_fft " + std::to_string(n_fft) + ", win_length " +
                std::to_string(win_length) + ", hop " + std::to_string(hop_length));
  }
  std::unique_ptr<float, FftwFree> in(fftwf_alloc_real(static_cast<size_t>(n_fft)));
  std::unique_ptr<fftwf_complex, FftwFree> out(fftwf_alloc_complex(static_cast<size_t>(Bins())));
  std::lock_guard<std::mutex> lock(PlannerMutex());
  plan_->plan = fftwf_plan_dft_r2c_1d(n_fft, in.get(), out.get(),
                                      FFTW_MEASURE | FFTW_PRESERVE_INPUT);
  if (!plan_->plan) ThrowOption("FFTW could not plan an FFT of size " + std::to_string(n_fft));
}

Spectrogram::~Spectrogram() = default;

int64_t Spectrogram::Frames(int64_t n) const {
  const int64_t span = tf_framing_ ? win_length_ : n_fft_;
  const int64_t padded = center_ ? n + 2 * (n_fft_ / 2) : n;
  if (padded < span) {
    ThrowBadData("clip of " + std::to_string(n) + " samples is shorter than one frame (" +
                 std::to_string(span) + " samples" + (center_ ? " after centre padding" : "") +
                 "); pad the clip or use a smaller n_fft/win_length");
  }
  return 1 + (padded - span) / hop_;
}

void Spectrogram::Compute(const float* samples, int64_t n, float* out) const {
  const int64_t frames = Frames(n);
  const int bins = Bins();
  // Centre padding (torch.stft center=True): reflect excludes the edge sample.
  std::vector<float> padded;
  const float* x = samples;
  if (center_) {
    const int64_t p = n_fft_ / 2;
    if (reflect_ && n <= p) {
      ThrowBadData("clip of " + std::to_string(n) + " samples is too short for reflect padding of " +
                   std::to_string(p) + " (n_fft/2); use --pad_mode=constant or a longer clip");
    }
    padded.assign(static_cast<size_t>(n + 2 * p), 0.f);
    std::copy(samples, samples + n, padded.begin() + p);
    if (reflect_) {
      for (int64_t i = 0; i < p; ++i) {
        padded[static_cast<size_t>(p - 1 - i)] = samples[i + 1];
        padded[static_cast<size_t>(p + n + i)] = samples[n - 2 - i];
      }
    }
    x = padded.data();
  }
  std::unique_ptr<float, FftwFree> buf(fftwf_alloc_real(static_cast<size_t>(n_fft_)));
  std::unique_ptr<fftwf_complex, FftwFree> spec(fftwf_alloc_complex(static_cast<size_t>(bins)));
  float* in = buf.get();
  std::fill(in, in + n_fft_, 0.f);
  const float* w = window_.data();
  const bool magnitude = power_ == 1.0;
  for (int64_t t = 0; t < frames; ++t) {
    const float* src = x + t * hop_ + offset_;
    float* dst = in + offset_;
    for (int k = 0; k < win_length_; ++k) dst[k] = src[k] * w[k];
    fftwf_execute_dft_r2c(plan_->plan, in, spec.get());
    const fftwf_complex* c = spec.get();
    for (int b = 0; b < bins; ++b) {
      float p2 = c[b][0] * c[b][0] + c[b][1] * c[b][1];
      out[static_cast<int64_t>(b) * frames + t] = magnitude ? std::sqrt(p2) : p2;
    }
  }
}

}  // namespace earshot
