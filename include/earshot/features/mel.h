// Triangular mel filterbank, as torchaudio.functional.melscale_fbanks
// (HTK or Slaney scale; norm none or Slaney area normalisation). Filters are
// stored sparsely: each covers only the FFT bins where it is non-zero.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace earshot {

double HzToMel(double hz, const std::string& scale);
double MelToHz(double mel, const std::string& scale);

class MelFilterbank {
 public:
  // Throws, naming the setting to change, if any filter covers no FFT bin
  // (too many mels for the FFT size).
  MelFilterbank(int n_freqs, int n_mels, int sample_rate, double f_min, double f_max,
                const std::string& scale, const std::string& norm);

  int NumMels() const { return static_cast<int>(filters_.size()); }
  int NumFreqs() const { return n_freqs_; }
  // spec: frames in groups of four, [groups][n_freqs][4], as
  // Spectrogram::ComputeGrouped writes them -> out: [n_mels][frames].
  void Apply(const float* spec, int64_t frames, float* out) const;
  // The dense [n_freqs][n_mels] matrix, as torchaudio returns it (for tests).
  std::vector<float> Dense() const;

  // One filter: its non-zero weights, from FFT bin first_bin on.
  struct Filter {
    int first_bin;
    std::vector<float> weights;
  };

 private:
  int n_freqs_;
  std::vector<Filter> filters_;
};

}  // namespace earshot
