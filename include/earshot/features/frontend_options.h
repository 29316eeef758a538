// The feature front end's settings: one struct, saved inside every model
// bundle so that a model always knows its own front end.
//
//   FrontEndOptions o;                 // 40 log-mels, 30 ms / 10 ms at 16 kHz
//   SetOption(o, "n_mels", "64");
//   o.Validate();                      // throws naming the option and value
#pragma once

#include <string>
#include <vector>

#include "earshot/util/options.h"

namespace earshot {

struct FrontEndOptions : Options {
  int sample_rate = 16000;       // Hz; audio is resampled to this rate
  std::string feature = "mel";   // waveform | spectrogram | mel | mfcc
  // STFT, as torch.stft.
  int n_fft = 512;               // FFT size; any size >= win_length
  int win_length = 0;            // window length in samples; 0 = n_fft (torchaudio, librosa)
  int hop_length = 160;          // frame step in samples (10 ms at 16 kHz)
  std::string window = "hann";   // hann | hamming | rect
  bool periodic = true;          // periodic window (torch, scipy fftbins) or symmetric
  bool center = true;            // pad n_fft/2 on both sides, as torch.stft(center=True)
  std::string pad_mode = "reflect";  // reflect | constant (zeros), for center
  std::string framing = "torch"; // torch: window centred in n_fft; tf: frames of win_length, zero-padded at the end (tf.signal.stft)
  double power = 2.0;            // 1 = magnitude, 2 = power
  // Mel filterbank, as torchaudio.functional.melscale_fbanks.
  int n_mels = 40;               // mel bands
  double f_min = 0.0;            // lowest filter edge, Hz
  double f_max = 0.0;            // highest filter edge, Hz; 0 = sample_rate / 2
  std::string mel_scale = "htk"; // htk | slaney
  std::string mel_norm = "none"; // none | slaney (area normalisation)
  // Scaling of the (mel) spectrogram.
  std::string scale = "log";     // linear | log | db
  double log_offset = 1e-6;      // log(x + log_offset)
  std::string db_ref = "one";    // one | max: dB relative to 1 or to each channel's max (librosa ref=np.max)
  double amin = 1e-10;           // floor before the logarithm, as power_to_db
  double top_db = 0.0;           // clamp to max - top_db; 0 = no clamp
  int n_mfcc = 40;               // MFCC coefficients (DCT-II, orthonormal, of the scaled mels)
  // Several resolutions stacked as channels (seed 002); empty = one channel.
  std::vector<int> multi_n_fft;       // e.g. 256, 512, 1024, 2048
  std::vector<int> multi_win_length;  // e.g. 200, 400, 800, 1600 (0 = that n_fft)
  std::string waveform_norm = "none"; // none | minmax ([-0.5, 0.5], seed 003) | peak ([-1, 1]); for feature = waveform

  void Visit(OptionVisitor& v) override;
  void Validate() const override;

  // The (n_fft, win_length) of each channel, a win_length of 0 read as n_fft.
  std::vector<std::pair<int, int>> Resolutions() const;
  double MaxFrequency() const { return f_max > 0 ? f_max : sample_rate / 2.0; }
};

}  // namespace earshot
