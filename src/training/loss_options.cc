#include "earshot/training/loss_options.h"

#include "earshot/util/option_checks.h"

namespace earshot {

void LossOptions::Visit(OptionVisitor& v) {
  v.Field("name", name, "cross_entropy | kl_div | bce");
  v.Field("label_smoothing", label_smoothing, "targets t -> t (1 - s) + s / K (s / 2 for bce); 0 = off");
}

void LossOptions::Validate() const {
  option_checks::OneOf("name", name, {"cross_entropy", "kl_div", "bce"});
  option_checks::InRange("label_smoothing", label_smoothing, 0.0, 1.0, false);
  if (name == "kl_div" && label_smoothing != 0.0) {
    ThrowOption("--label_smoothing applies to cross_entropy and bce, not to kl_div, whose "
                "targets are the distribution to match. Given: " +
                option_checks::Str(label_smoothing));
  }
}

}  // namespace earshot
