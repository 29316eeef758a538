#include "earshot/data/augment_options.h"

#include "earshot/util/option_checks.h"

namespace earshot {

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
