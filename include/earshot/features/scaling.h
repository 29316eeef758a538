// Compression of spectrogram values and the DCT that turns log-mels into
// MFCCs.
#pragma once

#include <cstdint>
#include <vector>

namespace earshot {

// x <- log(x + offset).
void ApplyLog(float* x, int64_t n, float offset);

// x <- multiplier * log10(max(x, amin)) - multiplier * log10(max(ref, amin)),
// then clamped to max - top_db when top_db > 0. `ref` is 1, or the maximum
// of these n values when ref_max. Reproduces librosa.power_to_db
// (multiplier 10) / amplitude_to_db (20) and torchaudio's AmplitudeToDB.
void ApplyDb(float* x, int64_t n, double multiplier, bool ref_max, double amin, double top_db);

// Orthonormal DCT-II over the mel axis, as torchaudio.functional.create_dct
// (norm="ortho") and scipy.fft.dct(type=2, norm="ortho").
class Dct {
 public:
  Dct(int n_mfcc, int n_mels);
  // in: [n_mels][frames] -> out: [n_mfcc][frames].
  void Apply(const float* in, int64_t frames, float* out) const;

 private:
  int n_mfcc_, n_mels_;
  std::vector<float> matrix_;  // [n_mfcc][n_mels]
};

}  // namespace earshot
