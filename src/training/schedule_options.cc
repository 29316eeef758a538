#include "earshot/training/schedule_options.h"

#include "earshot/training/metric_monitor.h"
#include "earshot/util/error.h"
#include "earshot/util/option_checks.h"

namespace earshot {

void ScheduleOptions::Visit(OptionVisitor& v) {
  v.Field("name", name, "constant | step | cosine | plateau");
  v.Field("warmup_epochs", warmup_epochs, "linear ramp up to the optimiser's lr first; 0 = none");
  v.Field("step_size", step_size, "step: epochs between reductions");
  v.Field("gamma", gamma, "step: factor per reduction");
  v.Field("min_lr", min_lr, "cosine: final lr; plateau: lowest lr");
  v.Field("monitor", monitor, "plateau: metric watched");
  v.Field("mode", mode, "plateau: min | max | auto (from the monitor's name)");
  v.Field("factor", factor, "plateau: lr multiplier per reduction");
  v.Field("patience", patience, "plateau: epochs without improvement before reducing");
  v.Field("min_delta", min_delta, "plateau: an improvement must beat the best by more than this");
}

void ScheduleOptions::Validate() const {
  using namespace option_checks;
  OneOf("name", name, {"constant", "step", "cosine", "plateau"});
  AtLeast("warmup_epochs", warmup_epochs, 0);
  AtLeast("step_size", step_size, 1);
  if (!(gamma > 0 && gamma <= 1)) ThrowOption("--gamma should be in (0, 1]. Given: " + Str(gamma));
  AtLeast("min_lr", min_lr, 0.0);
  if (!(factor > 0 && factor < 1)) ThrowOption("--factor should be in (0, 1). Given: " + Str(factor));
  AtLeast("patience", patience, 0);
  AtLeast("min_delta", min_delta, 0.0);
  if (monitor.empty()) ThrowOption("--monitor should name a metric. Given: ''");
  ResolveMode(monitor, mode, "mode");
}

}  // namespace earshot
