#include "earshot/features/frontend.h"

#include <algorithm>

#include "earshot/features/mel.h"
#include "earshot/features/scaling.h"
#include "earshot/features/spectrogram.h"
#include "earshot/features/window.h"
#include "earshot/util/error.h"
#include "earshot/util/parallel.h"

namespace earshot {

struct FrontEnd::Impl {
  std::vector<std::unique_ptr<Spectrogram>> spectrograms;  // one per resolution
  std::vector<std::unique_ptr<MelFilterbank>> mels;        // one per resolution
  std::unique_ptr<Dct> dct;
  int bins = 0;  // feature rows per channel
};

FrontEnd::FrontEnd(const FrontEndOptions& options) : options_(options), impl_(new Impl) {
  NamingOptions(options_, "features", [this] { Build(); });
}

void FrontEnd::Build() {
  options_.Validate();
  const auto& o = options_;
  if (o.feature == "waveform") return;
  for (auto [n_fft, win] : o.Resolutions()) {
    impl_->spectrograms.push_back(std::make_unique<Spectrogram>(
        n_fft, win, o.hop_length, MakeWindow(o.window, win, o.periodic), o.center, o.pad_mode,
        o.framing, o.power));
    if (o.feature == "mel" || o.feature == "mfcc") {
      impl_->mels.push_back(std::make_unique<MelFilterbank>(
          n_fft / 2 + 1, o.n_mels, o.sample_rate, o.f_min, o.MaxFrequency(), o.mel_scale,
          o.mel_norm));
    }
  }
  if (o.feature == "spectrogram") impl_->bins = impl_->spectrograms[0]->Bins();
  if (o.feature == "mel") impl_->bins = o.n_mels;
  if (o.feature == "mfcc") {
    impl_->bins = o.n_mfcc;
    impl_->dct = std::make_unique<Dct>(o.n_mfcc, o.n_mels);
  }
}

FrontEnd::~FrontEnd() = default;

std::vector<int64_t> FrontEnd::OutputShape(int64_t n) const {
  if (n <= 0) ThrowBadData("a clip of " + std::to_string(n) + " samples has no features");
  if (options_.feature == "waveform") return {1, n};
  return {static_cast<int64_t>(impl_->spectrograms.size()), impl_->bins,
          impl_->spectrograms[0]->Frames(n)};
}

int64_t FrontEnd::OutputSize(int64_t n) const {
  int64_t size = 1;
  for (int64_t d : OutputShape(n)) size *= d;
  return size;
}

std::vector<float> FrontEnd::Compute(const std::vector<float>& samples) const {
  std::vector<float> out(static_cast<size_t>(OutputSize(static_cast<int64_t>(samples.size()))));
  Compute(samples.data(), static_cast<int64_t>(samples.size()), out.data());
  return out;
}

void FrontEnd::Compute(const float* samples, int64_t n, float* out) const {
  const auto& o = options_;
  if (o.feature == "waveform") {
    std::copy(samples, samples + n, out);
    if (o.waveform_norm == "minmax") {
      // seed 003: (x - min) / (max - min + 1e-6) - 0.5
      auto [lo, hi] = std::minmax_element(out, out + n);
      const float mn = *lo, range = *hi - *lo + 1e-6f;
      for (int64_t i = 0; i < n; ++i) out[i] = (out[i] - mn) / range - 0.5f;
    } else if (o.waveform_norm == "peak") {
      float peak = 0.f;
      for (int64_t i = 0; i < n; ++i) peak = std::max(peak, std::abs(out[i]));
      if (peak > 0) for (int64_t i = 0; i < n; ++i) out[i] /= peak;
    }
    return;
  }
  const int64_t frames = impl_->spectrograms[0]->Frames(n);
  const int64_t channel_size = impl_->bins * frames;
  // Per-thread scratch: steady-state calls allocate nothing.
  thread_local std::vector<float> spec, mel;
  for (size_t c = 0; c < impl_->spectrograms.size(); ++c) {
    const Spectrogram& s = *impl_->spectrograms[c];
    float* dst = out + static_cast<int64_t>(c) * channel_size;
    float* scaled = dst;  // where the values to scale live
    int64_t scaled_size = channel_size;
    if (o.feature == "spectrogram") {
      s.Compute(samples, n, dst);
    } else {
      spec.resize(static_cast<size_t>(s.GroupedSize(n)));
      s.ComputeGrouped(samples, n, spec.data());
      if (o.feature == "mel") {
        impl_->mels[c]->Apply(spec.data(), frames, dst);
      } else {
        mel.resize(static_cast<size_t>(o.n_mels * frames));
        impl_->mels[c]->Apply(spec.data(), frames, mel.data());
        scaled = mel.data();
        scaled_size = static_cast<int64_t>(mel.size());
      }
    }
    if (o.scale == "log") ApplyLog(scaled, scaled_size, static_cast<float>(o.log_offset));
    if (o.scale == "db") {
      ApplyDb(scaled, scaled_size, 20.0 / o.power, o.db_ref == "max", o.amin, o.top_db);
    }
    if (impl_->dct) impl_->dct->Apply(mel.data(), frames, dst);
  }
}

void FrontEnd::ComputeBatch(const float* clips, int64_t batch, int64_t n, float* out,
                            int threads) const {
  const int64_t size = OutputSize(n);
  ParallelFor(batch, threads, [&](int64_t b) { Compute(clips + b * n, n, out + b * size); });
}

}  // namespace earshot
