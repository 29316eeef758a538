// Learning-rate schedules against sequences worked out by hand.
#include <cmath>

#include <gtest/gtest.h>

#include "earshot/training/schedule.h"
#include "earshot/util/error.h"

namespace earshot {
namespace {

ScheduleOptions Named(const std::string& name) {
  ScheduleOptions o;
  o.name = name;
  return o;
}

// base 0.1, step_size 2, gamma 0.5: 0.1 * 0.5^floor(e / 2).
TEST(ScheduleTest, Step) {
  auto o = Named("step");
  o.step_size = 2;
  o.gamma = 0.5;
  LrSchedule s(o, 0.1, 10);
  const std::vector<double> want = {0.1, 0.1, 0.05, 0.05, 0.025};
  for (int e = 0; e < 5; ++e) EXPECT_NEAR(s.LearningRate(e, 0, 3), want[e], 1e-15) << e;
  EXPECT_NEAR(s.LearningRate(3, 2, 3), 0.05, 1e-15);  // constant within an epoch
}

// Warm-up over 2 epochs of 2 steps: 0.1 * k / 4 for the k-th step, then 0.1.
TEST(ScheduleTest, WarmupThenConstant) {
  auto o = Named("constant");
  o.warmup_epochs = 2;
  LrSchedule s(o, 0.1, 5);
  EXPECT_NEAR(s.LearningRate(0, 0, 2), 0.025, 1e-15);
  EXPECT_NEAR(s.LearningRate(0, 1, 2), 0.05, 1e-15);
  EXPECT_NEAR(s.LearningRate(1, 0, 2), 0.075, 1e-15);
  EXPECT_NEAR(s.LearningRate(1, 1, 2), 0.1, 1e-15);
  EXPECT_NEAR(s.LearningRate(2, 0, 2), 0.1, 1e-15);
}

// Warm-up 1 epoch, then steps counted from the end of warm-up:
// epochs 1, 2 at 0.1; 3, 4 at 0.01.
TEST(ScheduleTest, WarmupThenStep) {
  auto o = Named("step");
  o.warmup_epochs = 1;
  o.step_size = 2;
  LrSchedule s(o, 0.1, 10);
  EXPECT_NEAR(s.LearningRate(0, 0, 4), 0.025, 1e-15);
  EXPECT_NEAR(s.LearningRate(2, 0, 4), 0.1, 1e-15);
  EXPECT_NEAR(s.LearningRate(3, 0, 4), 0.01, 1e-15);
}

// 4 epochs of 2 steps, base 0.1 to 0: x = (e + step / 2) / 4.
//   x = 0      -> 0.1
//   x = 1/8    -> 0.05 (1 + cos(pi / 8)) = 0.05 * 1.92387953 = 0.09619398
//   x = 1/2    -> 0.05
//   x = 7/8    -> 0.05 (1 - 0.92387953) = 0.00380602
TEST(ScheduleTest, Cosine) {
  auto o = Named("cosine");
  LrSchedule s(o, 0.1, 4);
  EXPECT_NEAR(s.LearningRate(0, 0, 2), 0.1, 1e-15);
  EXPECT_NEAR(s.LearningRate(0, 1, 2), 0.09619398, 1e-8);
  EXPECT_NEAR(s.LearningRate(2, 0, 2), 0.05, 1e-15);
  EXPECT_NEAR(s.LearningRate(3, 1, 2), 0.00380602, 1e-8);
}

// Warm-up 1 of 3 epochs, min_lr 0.01: cosine over the last 2 epochs,
// epoch 2 is halfway: 0.01 + 0.09 * 0.5 = 0.055.
TEST(ScheduleTest, CosineAfterWarmupToMinLr) {
  auto o = Named("cosine");
  o.warmup_epochs = 1;
  o.min_lr = 0.01;
  LrSchedule s(o, 0.1, 3);
  EXPECT_NEAR(s.LearningRate(0, 0, 1), 0.1, 1e-15);  // the only warm-up step reaches base
  EXPECT_NEAR(s.LearningRate(1, 0, 1), 0.1, 1e-15);
  EXPECT_NEAR(s.LearningRate(2, 0, 1), 0.055, 1e-15);
}

TEST(ScheduleTest, CosineNeedsEpochsAfterWarmup) {
  auto o = Named("cosine");
  o.warmup_epochs = 3;
  try {
    LrSchedule s(o, 0.1, 3);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "--train.epochs (3) should be more than --train.schedule.warmup_epochs (3) with --train.schedule.name=cosine");
  }
}

ScheduleOptions Plateau() {
  auto o = Named("plateau");
  o.factor = 0.5;
  o.patience = 2;
  o.min_lr = 0.2;
  o.min_delta = 0.0;
  return o;
}

// val_loss      1.0  0.9  0.95 0.92 0.91 0.93 0.95 0.96 0.97 0.98 0.99 0.5
// wait          0    0    1    2->0 1    2->0 1    2->0 1    2    3    0
// lr after      1    1    1    0.5  0.5  0.25 0.25 0.2  0.2  0.2  0.2  0.2
// (0.25 * 0.5 = 0.125 is floored at min_lr 0.2; at min_lr waiting has no effect.)
const std::vector<double> kLosses = {1.0, 0.9, 0.95, 0.92, 0.91, 0.93, 0.95, 0.96, 0.97, 0.98, 0.99, 0.5};
const std::vector<double> kLrAfter = {1, 1, 1, 0.5, 0.5, 0.25, 0.25, 0.2, 0.2, 0.2, 0.2, 0.2};

TEST(ScheduleTest, ReduceOnPlateauAsKeras) {
  LrSchedule s(Plateau(), 1.0, 100);
  for (size_t i = 0; i < kLosses.size(); ++i) {
    s.Observe(kLosses[i]);
    EXPECT_DOUBLE_EQ(s.LearningRate(static_cast<int>(i) + 1, 0, 1), kLrAfter[i]) << "after epoch " << i;
  }
}

// Keras' default min_delta 1e-4: 0.99995 is no improvement on 1.0.
TEST(ScheduleTest, PlateauMinDelta) {
  auto o = Plateau();
  o.min_delta = 1e-4;
  o.patience = 1;
  LrSchedule s(o, 1.0, 100);
  s.Observe(1.0);
  s.Observe(0.99995);
  EXPECT_DOUBLE_EQ(s.LearningRate(2, 0, 1), 0.5);
}

// Warm-up epochs are not judged: the rising 5, 6 during warm-up would
// otherwise cost a reduction at patience 1.
TEST(ScheduleTest, PlateauIgnoresWarmupEpochs) {
  auto o = Plateau();
  o.patience = 1;
  o.warmup_epochs = 2;
  LrSchedule s(o, 1.0, 100);
  s.Observe(5.0);
  s.Observe(6.0);
  EXPECT_DOUBLE_EQ(s.LearningRate(2, 0, 1), 1.0);
  s.Observe(1.0);
  EXPECT_DOUBLE_EQ(s.LearningRate(3, 0, 1), 1.0);
  s.Observe(2.0);
  EXPECT_DOUBLE_EQ(s.LearningRate(4, 0, 1), 0.5);
}

TEST(ScheduleTest, PlateauStateResumes) {
  LrSchedule first(Plateau(), 1.0, 100);
  for (size_t i = 0; i < 5; ++i) first.Observe(kLosses[i]);
  LrSchedule resumed(Plateau(), 1.0, 100);
  resumed.LoadStateJson(first.StateJson());
  for (size_t i = 5; i < kLosses.size(); ++i) {
    resumed.Observe(kLosses[i]);
    EXPECT_DOUBLE_EQ(resumed.LearningRate(static_cast<int>(i) + 1, 0, 1), kLrAfter[i]) << "after epoch " << i;
  }
}

TEST(ScheduleTest, ValidateNamesOptionAndValue) {
  auto o = Plateau();
  o.factor = 1.5;
  try {
    ValidateOptions(o, "train.schedule");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "--train.schedule.factor should be in (0, 1). Given: 1.5");
  }
  o = Named("exponential");
  EXPECT_THROW(o.Validate(), Error);
  o = Named("plateau");
  o.monitor = "val_foo";
  EXPECT_THROW(o.Validate(), Error);  // auto cannot tell min from max
  o.mode = "min";
  EXPECT_NO_THROW(o.Validate());
}

}  // namespace
}  // namespace earshot
