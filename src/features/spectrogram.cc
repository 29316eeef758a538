#include "earshot/features/spectrogram.h"

#include <fftw3.h>

#include <algorithm>

#include "earshot/util/error.h"
#include "real_fft.h"
#include "simd.h"

namespace earshot {
namespace {

struct FftwFree {
  void operator()(void* p) const { fftwf_free(p); }
};

// An FFTW-aligned buffer that only grows, so that steady-state calls do not
// allocate. FFTW runs a plan on new arrays only if they are aligned as the
// ones it was made with were.
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
  AlignedBuffer<float> frame;     // one n_fft frame, the FFT's input
  AlignedBuffer<float> spectra;   // four FFT outputs
  std::vector<float> edge;        // a frame's samples where it overlaps the centre padding
  std::vector<float> grouped;     // Compute's frames before transposing
};

// out = a * b, the windowing: eight lanes at a time where the CPU has
// AVX2, four otherwise (simd.h), the same products either way.
template <typename V>
EARSHOT_INLINE void MultiplyLoop(const float* a, const float* b, float* out, int n) {
  int i = 0;
  for (; i + simd::kLanes<V> <= n; i += simd::kLanes<V>) {
    simd::Store(out + i, simd::Load<V>(a + i) * simd::Load<V>(b + i));
  }
  for (; i < n; ++i) out[i] = a[i] * b[i];
}

EARSHOT_AVX2 void MultiplyAvx2(const float* a, const float* b, float* out, int n) {
  MultiplyLoop<simd::F8>(a, b, out, n);
}

void Multiply(const float* a, const float* b, float* out, int n) {
  if (simd::HasAvx2()) return MultiplyAvx2(a, b, out, n);
  MultiplyLoop<simd::F4>(a, b, out, n);
}

Scratch& ThreadScratch() {
  thread_local Scratch scratch;
  return scratch;
}

}  // namespace

Spectrogram::Spectrogram(int n_fft, int win_length, int hop_length,
                         const std::vector<float>& window, bool center,
                         const std::string& pad_mode, const std::string& framing, double power)
    : n_fft_(n_fft), win_length_(win_length), hop_(hop_length), center_(center),
      reflect_(pad_mode == "reflect"), tf_framing_(framing == "tf"), power_(power),
      window_(window), offset_(framing == "tf" ? 0 : (n_fft - win_length) / 2) {
  if (n_fft < 2 || win_length < 1 || win_length > n_fft || hop_length < 1 ||
      static_cast<int>(window.size()) != win_length) {
    ThrowOption("Spectrogram: need 1 <= win_length <= n_fft, hop >= 1 and a window of win_length. "
                "Given: n_fft " + std::to_string(n_fft) + ", win_length " +
                std::to_string(win_length) + ", hop " + std::to_string(hop_length));
  }
  fft_ = std::make_unique<RealFft>(n_fft);
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

const float* Spectrogram::WindowedSamples(const float* samples, int64_t n, int64_t t,
                                          float* edge) const {
  const int64_t start = t * hop_ - (center_ ? n_fft_ / 2 : 0) + offset_;
  if (start >= 0 && start + win_length_ <= n) return samples + start;
  // Centre padding (torch.stft center=True): reflect mirrors about the edge
  // sample without repeating it; constant pads with zeros. Sample start + i
  // goes to edge[i]: before the clip, inside it, after it.
  int64_t i = 0;
  for (; i < win_length_ && start + i < 0; ++i) edge[i] = reflect_ ? samples[-(start + i)] : 0.f;
  const int64_t inside_end = std::max(i, std::min<int64_t>(win_length_, n - start));
  std::copy(samples + start + i, samples + start + inside_end, edge + i);
  for (i = inside_end; i < win_length_; ++i) {
    edge[i] = reflect_ ? samples[2 * (n - 1) - (start + i)] : 0.f;
  }
  return edge;
}

void Spectrogram::ComputeGrouped(const float* samples, int64_t n, float* out) const {
  const int64_t frames = Frames(n);
  const int bins = Bins();
  Scratch& scratch = ThreadScratch();
  if (center_ && reflect_ && n <= n_fft_ / 2) {
    ThrowBadData("clip of " + std::to_string(n) + " samples is too short for reflect padding of " +
                 std::to_string(n_fft_ / 2) +
                 " (n_fft/2); use --pad_mode=constant or a longer clip");
  }
  scratch.edge.resize(static_cast<size_t>(win_length_));
  float* edge = scratch.edge.data();
  // The window covers [offset_, offset_ + win_length_) of each n_fft frame;
  // the rest stays zero (the FFT leaves its input unchanged).
  float* in = scratch.frame.Get(static_cast<size_t>(n_fft_));
  std::fill(in, in + n_fft_, 0.f);
  const size_t spectrum_floats = fft_->SpectrumFloats();
  float* spectra = scratch.spectra.Get(kGroup * spectrum_floats);
  const float* w = window_.data();
  float* windowed = in + offset_;
  for (int64_t t0 = 0; t0 < frames; t0 += kGroup) {
    const int count = static_cast<int>(std::min<int64_t>(kGroup, frames - t0));
    for (int j = 0; j < count; ++j) {
      Multiply(WindowedSamples(samples, n, t0 + j, edge), w, windowed, win_length_);
      fft_->Transform(in, spectra + j * spectrum_floats);
    }
    // Frames past the end are silent, so that they come out as zeros.
    std::fill(spectra + count * spectrum_floats, spectra + kGroup * spectrum_floats, 0.f);
    fft_->Power4(spectra, power_ == 1.0, out + t0 * bins);
  }
}

void Spectrogram::Compute(const float* samples, int64_t n, float* out) const {
  const int64_t frames = Frames(n);
  const int bins = Bins();
  std::vector<float>& grouped = ThreadScratch().grouped;
  grouped.resize(static_cast<size_t>(GroupedSize(n)));
  ComputeGrouped(samples, n, grouped.data());
  for (int64_t t = 0; t < frames; ++t) {
    const float* src = grouped.data() + (t / kGroup) * kGroup * bins + t % kGroup;
    for (int b = 0; b < bins; ++b) out[b * frames + t] = src[b * kGroup];
  }
}

}  // namespace earshot
