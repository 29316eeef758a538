// Watching one metric across epochs: the shared core of early stopping,
// reduce-on-plateau and "keep the best checkpoint".
//
//   CheckMonitor("val_accuracy", run_metric_names);    // before training
//   MetricMonitor best("val_accuracy", "auto");        // auto -> max
//   if (best.Update(epoch_metrics)) SaveCheckpoint();   // a new best
//
// Improvement follows Keras: value < best - min_delta in min mode,
// value > best + min_delta in max mode. NaN never improves.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace earshot {

// "min" or "max". `mode` auto decides from the name (a "val_" prefix aside):
// max for accuracy, f1, map, map3, auc, precision, recall; min for loss, kl,
// error, mse, mae. Throws Error(kInvalidOption) for an unknown mode, or for
// auto with a name it cannot place (asking for an explicit mode).
std::string ResolveMode(const std::string& monitor, const std::string& mode,
                        const std::string& option = "mode");

// Throws Error(kInvalidOption) unless `monitor` is one of `available`, e.g.
// "early_stopping.monitor 'val_acc' is not a metric of this run; available:
// loss, accuracy, val_loss, val_accuracy". Call it before training starts.
void CheckMonitor(const std::string& monitor, const std::vector<std::string>& available,
                  const std::string& option = "monitor");

class MetricMonitor {
 public:
  MetricMonitor(std::string monitor, const std::string& mode, double min_delta = 0.0);

  // Whether `value` would be an improvement on the best so far.
  bool Improves(double value) const;
  // Records one epoch's value; true when it is a new best.
  bool Update(double value);
  // The same with the monitored value taken from an epoch's metrics; a
  // missing name throws Error(kMismatch) listing the names present.
  bool Update(const std::map<std::string, double>& epoch_metrics);

  const std::string& monitor() const { return monitor_; }
  const std::string& mode() const { return mode_; }
  // +inf (min) or -inf (max) until a value improves.
  double best() const { return best_; }
  // 0-based index of the best epoch (the n-th Update is epoch n - 1); -1 if none.
  int best_epoch() const { return best_epoch_; }
  int epochs_seen() const { return epochs_seen_; }

  // State for resuming: best, best_epoch, epochs_seen, as a JSON object.
  std::string StateJson() const;
  void LoadStateJson(const std::string& json);

 private:
  std::string monitor_;
  std::string mode_;
  double min_delta_;
  double best_;
  int best_epoch_ = -1;
  int epochs_seen_ = 0;
};

}  // namespace earshot
