// How the learning rate moves over training. Torch-free; LrSchedule
// (schedule.h) computes it.
//
//   ScheduleOptions o;
//   SetOption(o, "name", "cosine");
//   SetOption(o, "warmup_epochs", "2");
//   o.Validate();
#pragma once

#include <string>

#include "earshot/util/options.h"

namespace earshot {

struct ScheduleOptions : Options {
  std::string name = "constant";  // constant | step | cosine | plateau
  int warmup_epochs = 0;          // linear ramp up to the optimiser's lr first; 0 = none
  // step: lr * gamma^floor(epoch / step_size), epochs counted after warm-up.
  int step_size = 10;             // epochs between reductions
  double gamma = 0.1;             // factor per reduction
  // cosine: from lr down to min_lr over the epochs after warm-up.
  // plateau: lr never goes below min_lr.
  double min_lr = 0.0;
  // plateau, as Keras' ReduceLROnPlateau: lr *= factor once the monitor has
  // not improved by more than min_delta for patience epochs.
  std::string monitor = "val_loss";  // metric watched (plateau)
  std::string mode = "auto";         // min | max | auto (from the monitor's name)
  double factor = 0.1;               // lr multiplier per reduction
  int patience = 10;                 // epochs without improvement before reducing
  double min_delta = 1e-4;           // an improvement must beat the best by more than this

  void Visit(OptionVisitor& v) override;
  void Validate() const override;
};

}  // namespace earshot
