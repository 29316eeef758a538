// Training-time augmentation. Each kind is off by default (the seed recipes
// use none) and, once on, starts from the TensorFlow speech_commands
// defaults where that example has one (background_frequency 0.8,
// background_volume 0.1, time_shift_ms 100).
//
//   AugmentOptions a;
//   SetOption(a, "noise", "true");     // 80 % of clips get noise at volume U(0, 0.1)
//   SetOption(a, "shift", "true");     // +-100 ms, zero-filled
#pragma once

#include <string>

#include "earshot/util/options.h"

namespace earshot {

struct AugmentOptions : Options {
  // Background noise from Dataset::noise_files (TF --background_frequency, --background_volume).
  bool noise = false;                // mix in a random segment of a random noise file
  double noise_frequency = 0.8;      // share of clips that get noise
  double noise_volume = 0.1;         // noise gain drawn uniformly from [0, noise_volume]
  // Time shift (TF --time_shift_ms).
  bool shift = false;                // move the clip, filling with zeros
  double shift_ms = 100.0;           // shift drawn uniformly from [-shift_ms, shift_ms]
  // Gain.
  bool gain = false;                 // scale the clip by a random gain
  double gain_db_min = -6.0;         // lowest gain, dB
  double gain_db_max = 6.0;          // highest gain, dB
  // Speed perturbation (Ko et al. 2015: factors 0.9 to 1.1), before the length policy.
  bool speed = false;                // resample by a random factor, then crop/pad to length
  double speed_min = 0.9;            // slowest factor (longer, lower)
  double speed_max = 1.1;            // fastest factor (shorter, higher)
  // Noise at a signal-to-noise ratio instead of a volume (both sources below).
  bool noise_snr = false;            // `noise`: mix at an SNR uniform in [snr_min, snr_max]
  double snr_min = 0.0;              // lowest SNR, dB (clip power over noise power, whole clip)
  double snr_max = 20.0;             // highest SNR, dB
  // Babble: several unknown-word training clips summed, at an SNR from the range above.
  bool babble = false;               // mix babble into clips
  double babble_probability = 0.3;   // share of clips that get babble
  int babble_talkers_min = 3;        // fewest clips summed
  int babble_talkers_max = 6;        // most clips summed
  // Room reverberation (audio/room_impulse.h), after the shift.
  bool reverb = false;               // convolve with a room impulse response
  double reverb_probability = 0.5;   // share of clips reverberated
  double reverb_rt60_min = 0.2;      // shortest reverberation time of a synthesised room, s
  double reverb_rt60_max = 1.0;      // longest, s
  double reverb_room_min = 3.0;      // smallest floor side, m (height 2.4-4 m)
  double reverb_room_max = 10.0;     // largest floor side, m
  std::string reverb_folder;         // the user's impulse responses (sound files); empty: none
  double reverb_folder_share = 0.5;  // share of reverberated clips using the folder's responses
  // Voice changes (audio/phase_vocoder.h), before the length policy.
  bool tempo = false;                // tempo change, pitch kept
  double tempo_probability = 0.5;    // share of clips
  double tempo_min = 0.85;           // slowest factor
  double tempo_max = 1.15;           // fastest factor
  bool pitch = false;                // pitch shift, duration kept
  double pitch_probability = 0.5;    // share of clips
  double pitch_semitones = 3.0;      // shift uniform in [-this, this] semitones
  bool vtlp = false;                 // vocal-tract-length perturbation (frequency warping)
  double vtlp_probability = 0.5;     // share of clips
  double vtlp_min = 0.9;             // lowest warp factor (Jaitly & Hinton 2013: 0.9-1.1)
  double vtlp_max = 1.1;             // highest warp factor
  // Channel changes (audio/channel_response.h, telephone.h, distortion.h), after the noise.
  bool eq = false;                   // random equaliser bands and spectral tilt
  double eq_probability = 0.5;       // share of clips
  int eq_bands = 3;                  // bands, centres log-uniform in 100-6000 Hz, 0.3-1.5 octaves wide
  double eq_db = 6.0;                // band gains uniform in [-this, this] dB
  double eq_tilt_db = 2.0;           // tilt uniform in [-this, this] dB per octave about 1 kHz
  bool highpass = false;             // microphone-like high-pass (second order)
  double highpass_probability = 0.5; // share of clips
  double highpass_hz_min = 60.0;     // lowest cut-off, Hz
  double highpass_hz_max = 400.0;    // highest cut-off, Hz
  bool telephone = false;            // narrowband telephone line: 8 kHz, 300-3400 Hz, mu-law
  double telephone_probability = 0.2;  // share of clips
  bool distortion = false;           // clipping or a coarse mu-law codec, half each
  double distortion_probability = 0.2;  // share of clips
  double clip_level_min = 0.2;       // clipping at a level uniform in [this, 1) x the clip's peak
  int quantize_bits_min = 4;         // mu-law codec bits uniform in [this, quantize_bits_max]
  int quantize_bits_max = 8;
  // SpecAugment (Park et al. 2019) on the features, after normalisation.
  bool spec_augment = false;         // mask bands of bins and of frames
  int freq_masks = 2;                // F: frequency masks per example
  int freq_mask_width = 8;           // f: widest frequency mask, bins (width uniform in [0, f])
  int time_masks = 2;                // T: time masks per example
  int time_mask_width = 10;          // t: widest time mask, frames
  std::string mask_value = "mean";   // mean (of the example's features) | zero
  // mixup (Zhang et al. 2018) inside each batch.
  bool mixup = false;                // mix pairs of examples and their targets
  double mixup_alpha = 0.2;          // weight drawn from Beta(alpha, alpha)

  void Visit(OptionVisitor& v) override;
  void Validate() const override;
};

}  // namespace earshot
