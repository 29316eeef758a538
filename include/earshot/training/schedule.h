// The learning rate at each step of training.
//
//   LrSchedule schedule(options.schedule, LearningRate(*optimizer), epochs);
//   for (int epoch = 0; epoch < epochs; ++epoch) {
//     for (int step = 0; step < steps; ++step) {
//       SetLearningRate(*optimizer, schedule.LearningRate(epoch, step, steps));
//       ...
//     }
//     schedule.Observe(metrics.at(options.schedule.monitor));  // plateau
//   }
//
// Epochs and steps count from 0. With W = warmup_epochs, S = steps_per_epoch
// and e = epoch - W (epochs after warm-up):
//   warm-up (epoch < W): base * (epoch S + step + 1) / (W S), reaching base
//                        on the last warm-up step
//   constant:            base
//   step:                base * gamma^floor(e / step_size)
//   cosine:              min_lr + (base - min_lr) (1 + cos(pi x)) / 2,
//                        x = (e + step / S) / (total_epochs - W)
//   plateau:             the current level, base times factor per reduction,
//                        never below min_lr (Keras ReduceLROnPlateau)
#pragma once

#include <string>

#include "earshot/training/metric_monitor.h"
#include "earshot/training/schedule_options.h"

namespace earshot {

class LrSchedule {
 public:
  // `base_lr` is the optimiser's learning rate; `total_epochs` the length of
  // training (cosine needs it to exceed warmup_epochs). Validates `options`.
  LrSchedule(const ScheduleOptions& options, double base_lr, int total_epochs);

  double LearningRate(int epoch, int step_in_epoch, int steps_per_epoch) const;

  // After each epoch, the value of options.monitor. Only plateau uses it, and
  // it ignores the warm-up epochs, whose metrics say little.
  void Observe(double metric);

  // Plateau state for resuming, as a JSON object (empty for the others).
  std::string StateJson() const;
  void LoadStateJson(const std::string& json);

 private:
  ScheduleOptions options_;
  double base_lr_;
  int total_epochs_;
  MetricMonitor monitor_;
  int observed_ = 0;          // Observe calls, warm-up included
  int wait_ = 0;              // epochs since the last improvement
  double plateau_lr_;         // the current plateau level
};

}  // namespace earshot
