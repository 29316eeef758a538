// Rules that watch a validation metric: when to stop training
// (EarlyStoppingOptions) and which epoch's weights are the best
// (CheckpointOptions). Torch-free. Monitors are metric names of the run
// (loss, accuracy, val_loss, val_accuracy, val_kl, val_map3, ...) and are
// checked against them with CheckMonitor (metric_monitor.h) before training.
//
//   EarlyStoppingOptions stop;     // seed 000:
//   stop.enabled = true;           //   EarlyStopping(monitor val_loss, mode min,
//   stop.min_delta = 1e-5;         //                 patience 10, min_delta 1e-5)
//   CheckpointOptions best;
//   best.monitor = "val_accuracy"; //   checkpoint the best val accuracy
#pragma once

#include <string>

#include "earshot/util/options.h"

namespace earshot {

struct EarlyStoppingOptions : Options {
  bool enabled = false;             // stop early at all; off = run every epoch
  std::string monitor = "val_loss"; // metric watched
  std::string mode = "auto";        // min | max | auto (from the monitor's name)
  int patience = 10;                // epochs without improvement before stopping
  double min_delta = 0.0;           // an improvement must beat the best by more than this

  void Visit(OptionVisitor& v) override;
  void Validate() const override;
};

struct CheckpointOptions : Options {
  std::string monitor = "val_loss"; // metric that picks the best epoch
  std::string mode = "auto";        // min | max | auto (from the monitor's name)

  void Visit(OptionVisitor& v) override;
  void Validate() const override;
};

}  // namespace earshot
