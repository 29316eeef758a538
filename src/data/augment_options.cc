#include "earshot/data/augment_options.h"

#include "earshot/util/option_checks.h"

namespace earshot {
namespace {

// A range option: both ends within [lo, hi], the first not above the second.
void RangePair(const std::string& min_name, double min, const std::string& max_name, double max, double lo,
               double hi) {
  option_checks::InRange(min_name, min, lo, hi);
  option_checks::InRange(max_name, max, lo, hi);
  option_checks::Ordered(min_name, min, max_name, max);
}

}  // namespace

void AugmentOptions::Visit(OptionVisitor& v) {
  v.Field("noise", noise, "mix background noise into clips");
  v.Field("noise_frequency", noise_frequency, "share of clips that get noise (TF 0.8)");
  v.Field("noise_volume", noise_volume, "noise gain uniform in [0, this] (TF 0.1)");
  v.Field("shift", shift, "shift clips in time, zero-filled");
  v.Field("shift_ms", shift_ms, "shift uniform in [-this, this] ms (TF 100)");
  v.Field("gain", gain, "scale clips by a random gain");
  v.Field("gain_db_min", gain_db_min, "lowest gain, dB");
  v.Field("gain_db_max", gain_db_max, "highest gain, dB");
  v.Field("speed", speed, "speed perturbation by resampling");
  v.Field("speed_min", speed_min, "slowest speed factor");
  v.Field("speed_max", speed_max, "fastest speed factor");
  v.Field("noise_snr", noise_snr, "mix noise at an SNR drawn from [snr_min, snr_max] instead of a volume");
  v.Field("snr_min", snr_min, "lowest SNR of noise and babble, dB");
  v.Field("snr_max", snr_max, "highest SNR of noise and babble, dB");
  v.Field("babble", babble, "mix babble made of unknown-word training clips");
  v.Field("babble_probability", babble_probability, "share of clips that get babble");
  v.Field("babble_talkers_min", babble_talkers_min, "fewest clips summed into babble");
  v.Field("babble_talkers_max", babble_talkers_max, "most clips summed into babble");
  v.Field("reverb", reverb, "room reverberation");
  v.Field("reverb_probability", reverb_probability, "share of clips reverberated");
  v.Field("reverb_rt60_min", reverb_rt60_min, "shortest RT60 of a synthesised room, s");
  v.Field("reverb_rt60_max", reverb_rt60_max, "longest RT60 of a synthesised room, s");
  v.Field("reverb_room_min", reverb_room_min, "smallest floor side of a synthesised room, m");
  v.Field("reverb_room_max", reverb_room_max, "largest floor side of a synthesised room, m");
  v.Field("reverb_folder", reverb_folder, "folder of impulse responses (sound files); empty: none");
  v.Field("reverb_folder_share", reverb_folder_share, "share of reverberated clips using the folder's responses");
  v.Field("tempo", tempo, "tempo change, pitch kept");
  v.Field("tempo_probability", tempo_probability, "share of clips with a tempo change");
  v.Field("tempo_min", tempo_min, "slowest tempo factor");
  v.Field("tempo_max", tempo_max, "fastest tempo factor");
  v.Field("pitch", pitch, "pitch shift, duration kept");
  v.Field("pitch_probability", pitch_probability, "share of clips pitch-shifted");
  v.Field("pitch_semitones", pitch_semitones, "shift uniform in [-this, this] semitones");
  v.Field("vtlp", vtlp, "vocal-tract-length perturbation (frequency warping)");
  v.Field("vtlp_probability", vtlp_probability, "share of clips warped");
  v.Field("vtlp_min", vtlp_min, "lowest warp factor");
  v.Field("vtlp_max", vtlp_max, "highest warp factor");
  v.Field("eq", eq, "random equaliser bands and spectral tilt");
  v.Field("eq_probability", eq_probability, "share of clips equalised");
  v.Field("eq_bands", eq_bands, "equaliser bands per clip");
  v.Field("eq_db", eq_db, "band gains uniform in [-this, this] dB");
  v.Field("eq_tilt_db", eq_tilt_db, "tilt uniform in [-this, this] dB per octave");
  v.Field("highpass", highpass, "microphone-like high-pass");
  v.Field("highpass_probability", highpass_probability, "share of clips high-passed");
  v.Field("highpass_hz_min", highpass_hz_min, "lowest high-pass cut-off, Hz");
  v.Field("highpass_hz_max", highpass_hz_max, "highest high-pass cut-off, Hz");
  v.Field("telephone", telephone, "narrowband telephone line (8 kHz, 300-3400 Hz, mu-law)");
  v.Field("telephone_probability", telephone_probability, "share of clips through the telephone line");
  v.Field("distortion", distortion, "clipping or a coarse mu-law codec");
  v.Field("distortion_probability", distortion_probability, "share of clips distorted");
  v.Field("clip_level_min", clip_level_min, "clipping level uniform in [this, 1) x the clip's peak");
  v.Field("quantize_bits_min", quantize_bits_min, "fewest mu-law codec bits");
  v.Field("quantize_bits_max", quantize_bits_max, "most mu-law codec bits");
  v.Field("spec_augment", spec_augment, "SpecAugment frequency and time masks on features");
  v.Field("freq_masks", freq_masks, "frequency masks per example (F)");
  v.Field("freq_mask_width", freq_mask_width, "widest frequency mask, bins (f)");
  v.Field("time_masks", time_masks, "time masks per example (T)");
  v.Field("time_mask_width", time_mask_width, "widest time mask, frames (t)");
  v.Field("mask_value", mask_value, "mean | zero");
  v.Field("mixup", mixup, "mix pairs of examples and their targets");
  v.Field("mixup_alpha", mixup_alpha, "mixup weight ~ Beta(alpha, alpha)");
}

void AugmentOptions::Validate() const {
  using namespace option_checks;
  InRange("noise_frequency", noise_frequency, 0.0, 1.0);
  InRange("noise_volume", noise_volume, 0.0, 10.0);
  InRange("shift_ms", shift_ms, 0.0, 10000.0);
  InRange("gain_db_min", gain_db_min, -60.0, 60.0);
  InRange("gain_db_max", gain_db_max, -60.0, 60.0);
  Ordered("gain_db_min", gain_db_min, "gain_db_max", gain_db_max);
  InRange("speed_min", speed_min, 0.5, 2.0);
  InRange("speed_max", speed_max, 0.5, 2.0);
  Ordered("speed_min", speed_min, "speed_max", speed_max);
  if (noise_snr && !noise) ThrowOption("--noise_snr = true mixes the noise of --noise, which is false");
  RangePair("snr_min", snr_min, "snr_max", snr_max, -20.0, 80.0);
  InRange("babble_probability", babble_probability, 0.0, 1.0);
  RangePair("babble_talkers_min", babble_talkers_min, "babble_talkers_max", babble_talkers_max, 1, 50);
  InRange("reverb_probability", reverb_probability, 0.0, 1.0);
  RangePair("reverb_rt60_min", reverb_rt60_min, "reverb_rt60_max", reverb_rt60_max, 0.05, 3.0);
  RangePair("reverb_room_min", reverb_room_min, "reverb_room_max", reverb_room_max, 1.5, 50.0);
  InRange("reverb_folder_share", reverb_folder_share, 0.0, 1.0);
  InRange("tempo_probability", tempo_probability, 0.0, 1.0);
  RangePair("tempo_min", tempo_min, "tempo_max", tempo_max, 0.5, 2.0);
  InRange("pitch_probability", pitch_probability, 0.0, 1.0);
  InRange("pitch_semitones", pitch_semitones, 0.0, 12.0);
  InRange("vtlp_probability", vtlp_probability, 0.0, 1.0);
  RangePair("vtlp_min", vtlp_min, "vtlp_max", vtlp_max, 0.7, 1.4);
  InRange("eq_probability", eq_probability, 0.0, 1.0);
  InRange("eq_bands", eq_bands, 0, 20);
  InRange("eq_db", eq_db, 0.0, 24.0);
  InRange("eq_tilt_db", eq_tilt_db, 0.0, 12.0);
  InRange("highpass_probability", highpass_probability, 0.0, 1.0);
  RangePair("highpass_hz_min", highpass_hz_min, "highpass_hz_max", highpass_hz_max, 10.0, 2000.0);
  InRange("telephone_probability", telephone_probability, 0.0, 1.0);
  InRange("distortion_probability", distortion_probability, 0.0, 1.0);
  InRange("clip_level_min", clip_level_min, 0.01, 1.0);
  RangePair("quantize_bits_min", quantize_bits_min, "quantize_bits_max", quantize_bits_max, 2, 16);
  InRange("freq_masks", freq_masks, 0, 100);
  InRange("freq_mask_width", freq_mask_width, 0, 100000);
  InRange("time_masks", time_masks, 0, 100);
  InRange("time_mask_width", time_mask_width, 0, 100000);
  OneOf("mask_value", mask_value, {"mean", "zero"});
  if (!(mixup_alpha > 0.0 && mixup_alpha <= 100.0)) {
    ThrowOption("--mixup_alpha should be in (0, 100]. Given: " + Str(mixup_alpha));
  }
}

}  // namespace earshot
