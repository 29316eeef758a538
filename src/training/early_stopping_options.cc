#include "earshot/training/early_stopping_options.h"

#include "earshot/training/metric_monitor.h"
#include "earshot/util/error.h"
#include "earshot/util/option_checks.h"

namespace earshot {

void EarlyStoppingOptions::Visit(OptionVisitor& v) {
  v.Field("enabled", enabled, "stop early at all");
  v.Field("monitor", monitor, "metric watched, e.g. val_loss, val_accuracy, val_kl, val_map3");
  v.Field("mode", mode, "min | max | auto (from the monitor's name)");
  v.Field("patience", patience, "epochs without improvement before stopping");
  v.Field("min_delta", min_delta, "an improvement must beat the best by more than this");
}

// Checked even when disabled: a wrong setting is a wrong recipe either way.
void EarlyStoppingOptions::Validate() const {
  if (monitor.empty()) ThrowOption("--monitor should name a metric. Given: ''");
  ResolveMode(monitor, mode, "mode");
  option_checks::AtLeast("patience", patience, 0);
  option_checks::AtLeast("min_delta", min_delta, 0.0);
}

void CheckpointOptions::Visit(OptionVisitor& v) {
  v.Field("monitor", monitor, "metric that picks the best epoch, e.g. val_loss, val_accuracy");
  v.Field("mode", mode, "min | max | auto (from the monitor's name)");
}

void CheckpointOptions::Validate() const {
  if (monitor.empty()) ThrowOption("--monitor should name a metric. Given: ''");
  ResolveMode(monitor, mode, "mode");
}

}  // namespace earshot
