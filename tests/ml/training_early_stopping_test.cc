// Early stopping, best-epoch tracking and monitor checks, against sequences
// worked out by hand.
#include <cmath>

#include <gtest/gtest.h>

#include "earshot/training/early_stopping.h"
#include "earshot/training/metric_monitor.h"
#include "earshot/util/error.h"

namespace earshot {
namespace {

std::map<std::string, double> Loss(double v) { return {{"loss", 0.0}, {"val_loss", v}}; }

EarlyStoppingOptions Enabled(const std::string& monitor, int patience, double min_delta) {
  EarlyStoppingOptions o;
  o.enabled = true;
  o.monitor = monitor;
  o.patience = patience;
  o.min_delta = min_delta;
  return o;
}

// patience 2, min_delta 0.1 (improvement: value < best - 0.1):
//   1.0  best 1.0 (epoch 0)
//   0.95 not below 0.9          wait 1
//   0.85 below 0.9: best 0.85 (epoch 2), wait 0
//   0.8  not below 0.75         wait 1
//   0.76                        wait 2 -> stop
TEST(EarlyStoppingTest, KerasMinDeltaAndPatience) {
  EarlyStopping stop(Enabled("val_loss", 2, 0.1));
  const std::vector<double> losses = {1.0, 0.95, 0.85, 0.8, 0.76};
  const std::vector<bool> want = {false, false, false, false, true};
  for (size_t i = 0; i < losses.size(); ++i) EXPECT_EQ(stop.Update(Loss(losses[i])), want[i]) << i;
  EXPECT_DOUBLE_EQ(stop.best(), 0.85);
  EXPECT_EQ(stop.best_epoch(), 2);
}

// Seed 000: EarlyStopping(val_loss, min, patience 10, min_delta 1e-5).
// val_loss falls by 0.01 per epoch to 0.69 at epoch 31, then sits at
// 0.689996, 4e-6 lower: within min_delta, so no improvement. Epochs 32..41
// make wait 1..10: the stop comes after epoch 41, the 42nd epoch. Without
// min_delta epoch 32 is a new best and the stop comes one epoch later.
TEST(EarlyStoppingTest, Seed000StopsAtEpoch42) {
  auto loss_at = [](int e) { return e <= 31 ? 1.0 - 0.01 * e : 0.689996; };
  for (double min_delta : {1e-5, 0.0}) {
    auto o = Enabled("val_loss", 10, min_delta);
    o.mode = "min";
    EarlyStopping stop(o);
    int stopped = -1;
    for (int e = 0; e < 100 && stopped < 0; ++e) {
      if (stop.Update(Loss(loss_at(e)))) stopped = e;
    }
    EXPECT_EQ(stopped, min_delta > 0 ? 41 : 42);
    EXPECT_EQ(stop.best_epoch(), min_delta > 0 ? 31 : 32);
  }
}

// auto -> max for val_accuracy; an equal value is no improvement.
//   0.5 best, 0.6 best (epoch 1), 0.6 wait 1, 0.55 wait 2 -> stop.
TEST(EarlyStoppingTest, AccuracyIsMaximised) {
  EarlyStopping stop(Enabled("val_accuracy", 2, 0.0));
  EXPECT_FALSE(stop.Update({{"val_accuracy", 0.5}}));
  EXPECT_FALSE(stop.Update({{"val_accuracy", 0.6}}));
  EXPECT_FALSE(stop.Update({{"val_accuracy", 0.6}}));
  EXPECT_TRUE(stop.Update({{"val_accuracy", 0.55}}));
  EXPECT_DOUBLE_EQ(stop.best(), 0.6);
  EXPECT_EQ(stop.best_epoch(), 1);
}

TEST(EarlyStoppingTest, PatienceZeroStopsAtFirstEpochWithoutImprovement) {
  EarlyStopping stop(Enabled("val_loss", 0, 0.0));
  EXPECT_FALSE(stop.Update(Loss(1.0)));
  EXPECT_FALSE(stop.Update(Loss(0.9)));
  EXPECT_TRUE(stop.Update(Loss(0.9)));
}

TEST(EarlyStoppingTest, DisabledNeverStops) {
  EarlyStoppingOptions o;  // disabled by default
  EarlyStopping stop(o);
  for (int e = 0; e < 30; ++e) EXPECT_FALSE(stop.Update(Loss(1.0)));
}

TEST(EarlyStoppingTest, NanNeverImproves) {
  EarlyStopping stop(Enabled("val_loss", 1, 0.0));
  EXPECT_FALSE(stop.Update(Loss(1.0)));
  EXPECT_TRUE(stop.Update(Loss(std::nan(""))));
  EXPECT_DOUBLE_EQ(stop.best(), 1.0);
}

TEST(EarlyStoppingTest, MissingMetricIsAnError) {
  EarlyStopping stop(Enabled("val_acc", 2, 0.0));
  try {
    stop.Update({{"loss", 1.0}, {"val_accuracy", 0.5}});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kMismatch);
    EXPECT_EQ(std::string(e.what()),
              "monitored metric 'val_acc' is missing from this epoch's metrics: loss, val_accuracy");
  }
}

// Resume after epoch 2 of the min_delta sequence above: same answers.
TEST(EarlyStoppingTest, StateResumes) {
  const auto o = Enabled("val_loss", 2, 0.1);
  EarlyStopping first(o);
  for (double v : {1.0, 0.95, 0.85}) first.Update(Loss(v));
  EarlyStopping resumed(o);
  resumed.LoadStateJson(first.StateJson());
  EXPECT_DOUBLE_EQ(resumed.best(), 0.85);
  EXPECT_EQ(resumed.best_epoch(), 2);
  EXPECT_FALSE(resumed.Update(Loss(0.8)));
  EXPECT_TRUE(resumed.Update(Loss(0.76)));
}

TEST(EarlyStoppingTest, StateOfAnotherMonitorIsRefused) {
  EarlyStopping loss(Enabled("val_loss", 2, 0.0));
  EarlyStopping accuracy(Enabled("val_accuracy", 2, 0.0));
  EXPECT_THROW(accuracy.LoadStateJson(loss.StateJson()), Error);
}

TEST(MetricMonitorTest, CheckMonitorListsAvailableNames) {
  const std::vector<std::string> names = {"loss", "accuracy", "val_loss", "val_accuracy"};
  EXPECT_NO_THROW(CheckMonitor("val_accuracy", names));
  try {
    CheckMonitor("val_acc", names);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidOption);
    EXPECT_EQ(std::string(e.what()),
              "--monitor=val_acc is not a metric of this run; available: loss, accuracy, val_loss, val_accuracy");
  }
  try {
    CheckMonitor("val_acc", names, "checkpoint.monitor");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("--checkpoint.monitor=val_acc is not", 0), 0u) << e.what();
  }
}

TEST(MetricMonitorTest, AutoModeFromName) {
  EXPECT_EQ(ResolveMode("val_loss", "auto"), "min");
  EXPECT_EQ(ResolveMode("loss", "auto"), "min");
  EXPECT_EQ(ResolveMode("val_kl", "auto"), "min");
  EXPECT_EQ(ResolveMode("val_accuracy", "auto"), "max");
  EXPECT_EQ(ResolveMode("accuracy", "auto"), "max");
  EXPECT_EQ(ResolveMode("val_map3", "auto"), "max");
  EXPECT_EQ(ResolveMode("val_f1", "auto"), "max");
  EXPECT_EQ(ResolveMode("val_loss", "max"), "max");  // explicit wins
  try {
    ResolveMode("val_foo", "auto", "early_stopping.mode");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "--early_stopping.mode=auto cannot tell whether 'val_foo' should go up or down; set it to min or max");
  }
  EXPECT_THROW(ResolveMode("val_loss", "minimum"), Error);
}

// The best checkpoint by val accuracy (seed 000): strict improvement only.
//   0.5 new best, 0.7 new best, 0.7 no, 0.6 no, 0.71 new best (epoch 4).
TEST(MetricMonitorTest, BestCheckpoint) {
  CheckpointOptions o;
  o.monitor = "val_accuracy";
  o.Validate();
  MetricMonitor best(o.monitor, o.mode);
  const std::vector<double> acc = {0.5, 0.7, 0.7, 0.6, 0.71};
  const std::vector<bool> want = {true, true, false, false, true};
  for (size_t i = 0; i < acc.size(); ++i) EXPECT_EQ(best.Update({{"val_accuracy", acc[i]}}), want[i]) << i;
  EXPECT_EQ(best.best_epoch(), 4);
  EXPECT_DOUBLE_EQ(best.best(), 0.71);
  EXPECT_EQ(best.mode(), "max");
}

TEST(MetricMonitorTest, StateBeforeAnyEpochResumes) {
  MetricMonitor a("val_loss", "auto");
  MetricMonitor b("val_loss", "auto");
  b.LoadStateJson(a.StateJson());
  EXPECT_EQ(b.best_epoch(), -1);
  EXPECT_TRUE(b.Update(5.0));
}

TEST(EarlyStoppingOptionsTest, ValidateNamesOptionAndValue) {
  auto o = Enabled("val_loss", -1, 0.0);
  try {
    ValidateOptions(o, "train.early_stopping");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "--train.early_stopping.patience should be >= 0. Given: -1");
  }
  o = Enabled("val_loss", 10, 0.0);
  o.mode = "up";
  EXPECT_THROW(o.Validate(), Error);
}

}  // namespace
}  // namespace earshot
