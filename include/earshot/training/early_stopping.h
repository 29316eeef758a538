// Early stopping as Keras' EarlyStopping callback: after each epoch,
// Update(metrics) counts the epochs since the monitored metric last improved
// by more than min_delta, and says stop once that count reaches patience.
//
//   EarlyStopping stop(options);                 // options.enabled
//   CheckMonitor(options.monitor, metric_names, "early_stopping.monitor");
//   for (int epoch = 0; epoch < epochs; ++epoch) {
//     auto metrics = TrainOneEpoch();
//     if (stop.Update(metrics)) break;
//   }
#pragma once

#include <map>
#include <string>

#include "earshot/training/early_stopping_options.h"
#include "earshot/training/metric_monitor.h"

namespace earshot {

class EarlyStopping {
 public:
  // Validates `options`.
  explicit EarlyStopping(const EarlyStoppingOptions& options);

  // Call once per epoch with that epoch's metrics; true when training should
  // stop now: this epoch did not improve and `patience` epochs have passed
  // without improvement (patience 0: stop at the first epoch that does not
  // improve). Always false when disabled. A metrics map without the
  // monitored name throws Error(kMismatch).
  bool Update(const std::map<std::string, double>& epoch_metrics);

  double best() const { return monitor_.best(); }
  int best_epoch() const { return monitor_.best_epoch(); }  // 0-based; -1 if none
  int wait() const { return wait_; }  // epochs since the last improvement

  // State for resuming, as a JSON object.
  std::string StateJson() const;
  void LoadStateJson(const std::string& json);

 private:
  EarlyStoppingOptions options_;
  MetricMonitor monitor_;
  int wait_ = 0;
};

}  // namespace earshot
