#include "earshot/features/frontend_options.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "earshot/util/error.h"
#include "earshot/util/option_checks.h"

namespace earshot {
using namespace option_checks;

void FrontEndOptions::Visit(OptionVisitor& v) {
  v.Field("sample_rate", sample_rate, "Hz; audio is resampled to this rate");
  v.Field("feature", feature, "waveform | spectrogram | mel | mfcc");
  v.Field("n_fft", n_fft, "FFT size");
  v.Field("win_length", win_length, "window length in samples; 0 = n_fft");
  v.Field("hop_length", hop_length, "frame step in samples");
  v.Field("window", window, "hann | hamming | rect");
  v.Field("periodic", periodic, "periodic window (true) or symmetric");
  v.Field("center", center, "pad n_fft/2 on both sides (torch.stft center=True)");
  v.Field("pad_mode", pad_mode, "reflect | constant, for center");
  v.Field("framing", framing, "torch (window centred in n_fft) | tf (tf.signal.stft)");
  v.Field("power", power, "1 = magnitude, 2 = power");
  v.Field("n_mels", n_mels, "mel bands");
  v.Field("f_min", f_min, "lowest mel filter edge, Hz");
  v.Field("f_max", f_max, "highest mel filter edge, Hz; 0 = sample_rate/2");
  v.Field("mel_scale", mel_scale, "htk | slaney");
  v.Field("mel_norm", mel_norm, "none | slaney");
  v.Field("scale", scale, "linear | log | db");
  v.Field("log_offset", log_offset, "log(x + log_offset)");
  v.Field("db_ref", db_ref, "one | max (per channel)");
  v.Field("amin", amin, "floor before the logarithm in dB");
  v.Field("top_db", top_db, "clamp dB to max - top_db; 0 = off");
  v.Field("n_mfcc", n_mfcc, "MFCC coefficients");
  v.Field("multi_n_fft", multi_n_fft, "FFT sizes of stacked resolutions");
  v.Field("multi_win_length", multi_win_length, "window lengths of stacked resolutions");
  v.Field("waveform_norm", waveform_norm, "none | minmax | peak, for feature = waveform");
}

std::vector<std::pair<int, int>> FrontEndOptions::Resolutions() const {
  auto window = [](int fft, int win) { return win == 0 ? fft : win; };
  if (multi_n_fft.empty()) return {{n_fft, window(n_fft, win_length)}};
  std::vector<std::pair<int, int>> out;
  for (size_t i = 0; i < multi_n_fft.size(); ++i) {
    out.emplace_back(multi_n_fft[i], window(multi_n_fft[i], multi_win_length[i]));
  }
  return out;
}

void FrontEndOptions::Validate() const {
  AtLeast("sample_rate", sample_rate, 1000);
  if (sample_rate > 384000) ThrowOption("--sample_rate should be <= 384000. Given: " + Str(sample_rate));
  OneOf("feature", feature, {"waveform", "spectrogram", "mel", "mfcc"});
  OneOf("waveform_norm", waveform_norm, {"none", "minmax", "peak"});
  if (feature == "waveform") return;
  OneOf("window", window, {"hann", "hamming", "rect"});
  OneOf("pad_mode", pad_mode, {"reflect", "constant"});
  OneOf("framing", framing, {"torch", "tf"});
  OneOf("scale", scale, {"linear", "log", "db"});
  OneOf("db_ref", db_ref, {"one", "max"});
  AtLeast("hop_length", hop_length, 1);
  if (power != 1.0 && power != 2.0) ThrowOption("--power should be 1 or 2. Given: " + Str(power));
  if (multi_n_fft.size() != multi_win_length.size()) {
    ThrowOption("--multi_n_fft and --multi_win_length should have the same length. Given: " +
                Str(multi_n_fft.size()) + " and " + Str(multi_win_length.size()));
  }
  if (!multi_n_fft.empty() && feature == "spectrogram") {
    ThrowOption("--multi_n_fft stacks channels of equal height: use feature = mel or mfcc, "
                "not spectrogram (bins differ per n_fft)");
  }
  if (!multi_n_fft.empty() && !center) {
    ThrowOption("--multi_n_fft needs --center=true so that every resolution has the same frames");
  }
  if (framing == "tf" && center) {
    ThrowOption("--framing=tf does not centre frames (tf.signal.stft has no padding); set --center=false");
  }
  for (auto [nfft, win] : Resolutions()) {
    AtLeast("n_fft", nfft, 2);
    AtLeast("win_length", win, 1);
    if (win > nfft) {
      ThrowOption("--win_length should be <= --n_fft (" + Str(nfft) + ") or 0 (= n_fft). Given: " +
                  Str(win));
    }
  }
  if (log_offset < 0) ThrowOption("--log_offset should be >= 0. Given: " + Str(log_offset));
  if (scale == "log" && log_offset == 0) {
    ThrowOption("--log_offset should be > 0 with --scale=log (log of 0 is -inf). Given: 0");
  }
  if (!(amin > 0)) ThrowOption("--amin should be > 0. Given: " + Str(amin));
  if (top_db < 0) ThrowOption("--top_db should be >= 0 (0 = off). Given: " + Str(top_db));
  if (feature == "mel" || feature == "mfcc") {
    OneOf("mel_scale", mel_scale, {"htk", "slaney"});
    OneOf("mel_norm", mel_norm, {"none", "slaney"});
    AtLeast("n_mels", n_mels, 1);
    if (f_min < 0) ThrowOption("--f_min should be >= 0. Given: " + Str(f_min));
    if (f_max < 0 || f_max > sample_rate / 2.0) {
      ThrowOption("--f_max should be in [0, sample_rate/2 = " + Str(sample_rate / 2.0) +
                  "] (0 = sample_rate/2). Given: " + Str(f_max));
    }
    if (f_min >= MaxFrequency()) {
      ThrowOption("--f_min should be below f_max (" + Str(MaxFrequency()) + "). Given: " + Str(f_min));
    }
  }
  if (feature == "mfcc") {
    AtLeast("n_mfcc", n_mfcc, 1);
    if (n_mfcc > n_mels) {
      ThrowOption("--n_mfcc should be <= n_mels (" + Str(n_mels) + "). Given: " + Str(n_mfcc));
    }
    if (scale == "linear") ThrowOption("--scale should be log or db for MFCC. Given: 'linear'");
  }
}

}  // namespace earshot
