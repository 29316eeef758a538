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
