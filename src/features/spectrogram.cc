#include "earshot/features/spectrogram.h"

#include <fftw3.h>

#include <algorithm>
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

// An FFTW-aligned buffer that only grows, so that steady-state calls do not
// allocate. fftwf_execute_dft_r2c needs the alignment the plan was made with.
template <typename T>
class AlignedBuffer {
 public:
  T* Get(size_t n) {
    if (n > capacity_) {
      data_.reset(static_cast<T*>(fftwf_malloc(n * sizeof(T))));
      if (!data_) ThrowBadData("out of memory for an FFT buffer of " + std::to_string(n));
      capacity_ = n;
    }
    return data_.get();
  }

 private:
  std::unique_ptr<T, FftwFree> data_;
  size_t capacity_ = 0;
};

// Per-thread scratch space, shared by every Spectrogram used on the thread.
struct Scratch {
  AlignedBuffer<float> frame;
  AlignedBuffer<fftwf_complex> spectrum;
  std::vector<float> padded;        // the centre-padded clip
  std::vector<float> frame_major;   // Compute's frames before transposing
};

// The per-frame loops, with restrict-qualified pointers so that the
// compiler may vectorise them.
void Multiply(const float* __restrict a, const float* __restrict b, float* __restrict out,
              int n) {
  for (int i = 0; i < n; ++i) out[i] = a[i] * b[i];
}

void Power(const float* __restrict re_im, float* __restrict out, int bins) {
  for (int b = 0; b < bins; ++b) {
    out[b] = re_im[2 * b] * re_im[2 * b] + re_im[2 * b + 1] * re_im[2 * b + 1];
  }
}

void Magnitude(const float* __restrict re_im, float* __restrict out, int bins) {
  for (int b = 0; b < bins; ++b) {
    out[b] = std::sqrt(re_im[2 * b] * re_im[2 * b] + re_im[2 * b + 1] * re_im[2 * b + 1]);
  }
}

Scratch& ThreadScratch() {
  thread_local Scratch scratch;
  return scratch;
}

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
  // FFTW_ESTIMATE, not FFTW_MEASURE: a measured plan depends on timings, so
  // two processes could round differently, and the same seed would no
  // longer give the same features, batches and metrics.
  plan_->plan = fftwf_plan_dft_r2c_1d(n_fft, in.get(), out.get(),
                                      FFTW_ESTIMATE | FFTW_PRESERVE_INPUT);
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

void Spectrogram::ComputeFrames(const float* samples, int64_t n, float* out) const {
  const int64_t frames = Frames(n);
  const int bins = Bins();
  Scratch& scratch = ThreadScratch();
  // Centre padding (torch.stft center=True): reflect excludes the edge sample.
  const float* x = samples;
  if (center_) {
    const int64_t p = n_fft_ / 2;
    if (reflect_ && n <= p) {
      ThrowBadData("clip of " + std::to_string(n) + " samples is too short for reflect padding of " +
                   std::to_string(p) + " (n_fft/2); use --pad_mode=constant or a longer clip");
    }
    std::vector<float>& padded = scratch.padded;
    padded.resize(static_cast<size_t>(n + 2 * p));
    std::copy(samples, samples + n, padded.begin() + p);
    for (int64_t i = 0; i < p; ++i) {
      padded[static_cast<size_t>(p - 1 - i)] = reflect_ ? samples[i + 1] : 0.f;
      padded[static_cast<size_t>(p + n + i)] = reflect_ ? samples[n - 2 - i] : 0.f;
    }
    x = padded.data();
  }
  // The window covers [offset_, offset_ + win_length_) of each n_fft frame;
  // the rest stays zero.
  float* in = scratch.frame.Get(static_cast<size_t>(n_fft_));
  fftwf_complex* spectrum = scratch.spectrum.Get(static_cast<size_t>(bins));
  std::fill(in, in + n_fft_, 0.f);
  const float* w = window_.data();
  float* windowed = in + offset_;
  const float* re_im = reinterpret_cast<const float*>(spectrum);
  for (int64_t t = 0; t < frames; ++t) {
    Multiply(x + t * hop_ + offset_, w, windowed, win_length_);
    fftwf_execute_dft_r2c(plan_->plan, in, spectrum);
    float* dst = out + t * bins;
    if (power_ == 1.0) {
      Magnitude(re_im, dst, bins);
    } else {
      Power(re_im, dst, bins);
    }
  }
}

void Spectrogram::Compute(const float* samples, int64_t n, float* out) const {
  const int64_t frames = Frames(n);
  const int bins = Bins();
  std::vector<float>& by_frame = ThreadScratch().frame_major;
  by_frame.resize(static_cast<size_t>(frames * bins));
  ComputeFrames(samples, n, by_frame.data());
  for (int64_t t = 0; t < frames; ++t) {
    const float* src = by_frame.data() + t * bins;
    for (int b = 0; b < bins; ++b) out[b * frames + t] = src[b];
  }
}

}  // namespace earshot
