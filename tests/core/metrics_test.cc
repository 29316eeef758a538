#include "earshot/eval/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <nlohmann/json.hpp>

#include "earshot/util/error.h"

namespace earshot::eval {
namespace {

// Four rows, three classes. Rank of the true class (ties to the lower index):
//   row 0 [0.7 0.2 0.1] true 0: rank 1
//   row 1 [0.3 0.3 0.4] true 1: class 2 higher, class 0 tied and lower -> 3
//   row 2 [0.5 0.5 0.0] true 1: class 0 tied and lower -> 2
//   row 3 [0.1 0.6 0.3] true 2: class 1 higher -> 2
// Argmax: 0, 2, 0, 1.
const std::vector<float> kScores = {0.7f, 0.2f, 0.1f, 0.3f, 0.3f, 0.4f,
                                    0.5f, 0.5f, 0.0f, 0.1f, 0.6f, 0.3f};
const std::vector<int> kLabels = {0, 1, 1, 2};

ErrorKind KindOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.kind();
  }
  return ErrorKind::kInternal;
}

TEST(Metrics, ArgmaxTakesTheFirstOfTiedMaxima) {
  EXPECT_EQ(Argmax(kScores, 3), (std::vector<int>{0, 2, 0, 1}));
}

// The ranking `earshot predict` and the library's top-k print: best first,
// ties to the lower index, k clamped to the class count.
TEST(Metrics, RankedClassesBestFirstTiesToTheLowerIndex) {
  const std::vector<float> row{0.1f, 0.3f, 0.05f, 0.3f, 0.25f};
  EXPECT_EQ(RankedClasses(row.data(), 5, 5), (std::vector<int>{1, 3, 4, 0, 2}));
  EXPECT_EQ(RankedClasses(row.data(), 5, 2), (std::vector<int>{1, 3}));
  EXPECT_EQ(RankedClasses(row.data(), 5, 9).size(), 5u);
  EXPECT_TRUE(RankedClasses(row.data(), 5, 0).empty());
}

TEST(Metrics, AccuracyAndTopK) {
  EXPECT_DOUBLE_EQ(Accuracy(kScores, 3, kLabels), 0.25);         // row 0 only
  EXPECT_DOUBLE_EQ(TopKAccuracy(kScores, 3, kLabels, 1), 0.25);  // equals accuracy
  EXPECT_DOUBLE_EQ(TopKAccuracy(kScores, 3, kLabels, 2), 0.75);  // ranks 1, 2, 2
  EXPECT_DOUBLE_EQ(TopKAccuracy(kScores, 3, kLabels, 3), 1.0);
}

TEST(Metrics, MapAt3IsTheMeanReciprocalRankWithinThree) {
  // (1 + 1/3 + 1/2 + 1/2) / 4
  EXPECT_NEAR(MapAtK(kScores, 3, kLabels, 3), (1.0 + 1.0 / 3 + 0.5 + 0.5) / 4, 1e-12);
  // k = 2: row 1 (rank 3) scores 0 -> (1 + 0 + 1/2 + 1/2) / 4
  EXPECT_NEAR(MapAtK(kScores, 3, kLabels, 2), 0.5, 1e-12);
}

TEST(Metrics, KOutsideOneToClassCountIsAnOptionError) {
  EXPECT_EQ(KindOf([] { TopKAccuracy(kScores, 3, kLabels, 4); }), ErrorKind::kInvalidOption);
  EXPECT_EQ(KindOf([] { TopKAccuracy(kScores, 3, kLabels, 0); }), ErrorKind::kInvalidOption);
  EXPECT_EQ(KindOf([] { MapAtK(kScores, 3, kLabels, 5); }), ErrorKind::kInvalidOption);
}

TEST(Metrics, BadShapesLabelsAndValuesAreRefused) {
  EXPECT_EQ(KindOf([] { Accuracy({0.1f, 0.2f, 0.3f, 0.4f}, 3, {0}); }), ErrorKind::kMismatch);
  EXPECT_EQ(KindOf([] { Accuracy(kScores, 3, {0, 1, 2}); }), ErrorKind::kMismatch);
  EXPECT_EQ(KindOf([] { Accuracy(kScores, 3, {0, 1, 3, 0}); }), ErrorKind::kBadData);
  EXPECT_EQ(KindOf([] { Accuracy({NAN, 0.f, 0.f}, 3, {0}); }), ErrorKind::kBadData);
  EXPECT_EQ(KindOf([] { Accuracy({}, 3, {}); }), ErrorKind::kBadData);
  try {
    Accuracy(kScores, 3, {0, 1, 7, 0});
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("row 2 has class 7"), std::string::npos) << e.what();
  }
}

TEST(Metrics, ConfusionMatrixAndPerClassScores) {
  // (true, predicted): (0,0) (1,2) (1,0) (2,1)
  const std::vector<int64_t> cm = ConfusionMatrix(kLabels, Argmax(kScores, 3), 3);
  EXPECT_EQ(cm, (std::vector<int64_t>{1, 0, 0, 1, 0, 1, 0, 1, 0}));
  const ClassScores s = PerClassScores(cm, 3);
  // Class 0: predicted twice, right once -> P 1/2; 1 true row found -> R 1;
  // F1 = 2 * 0.5 * 1 / 1.5 = 2/3. Classes 1 and 2: never right -> 0.
  EXPECT_DOUBLE_EQ(s.precision[0], 0.5);
  EXPECT_DOUBLE_EQ(s.recall[0], 1.0);
  EXPECT_NEAR(s.f1[0], 2.0 / 3, 1e-12);
  EXPECT_EQ(s.support, (std::vector<int64_t>{1, 2, 1}));
  EXPECT_EQ(s.precision[1], 0.0);
  EXPECT_EQ(s.f1[2], 0.0);
  // Macro: means over the 3 classes; weighted by support 1, 2, 1 of 4.
  EXPECT_NEAR(s.macro_precision, 0.5 / 3, 1e-12);
  EXPECT_NEAR(s.macro_recall, 1.0 / 3, 1e-12);
  EXPECT_NEAR(s.macro_f1, (2.0 / 3) / 3, 1e-12);
  EXPECT_NEAR(s.weighted_precision, 0.5 / 4, 1e-12);
  EXPECT_NEAR(s.weighted_recall, 1.0 / 4, 1e-12);
  EXPECT_NEAR(s.weighted_f1, (2.0 / 3) / 4, 1e-12);
}

TEST(Metrics, ClassNeverPredictedHasPrecisionZeroNotNan) {
  // Truth 0,0,1, all predicted 0: class 1 never predicted.
  const ClassScores s = PerClassScores({2, 0, 1, 0}, 2);
  EXPECT_EQ(s.precision[1], 0.0);
  EXPECT_EQ(s.recall[1], 0.0);
  EXPECT_EQ(s.f1[1], 0.0);
  // Class 0: P 2/3, R 1, F1 = 2 * (2/3) / (5/3) = 0.8.
  EXPECT_NEAR(s.f1[0], 0.8, 1e-12);
  EXPECT_NEAR(s.macro_f1, 0.4, 1e-12);  // (0.8 + 0) / 2
}

TEST(Metrics, ClassAbsentFromTruthAndPredictionsIsLeftOutOfMacro) {
  // Class 2 appears nowhere: the macro mean is over classes 0 and 1, both
  // perfect, as sklearn does when labels come from the data.
  const ClassScores s = PerClassScores({1, 0, 0, 0, 1, 0, 0, 0, 0}, 3);
  EXPECT_DOUBLE_EQ(s.macro_precision, 1.0);
  EXPECT_DOUBLE_EQ(s.macro_f1, 1.0);
  EXPECT_DOUBLE_EQ(s.weighted_recall, 1.0);
}

TEST(Metrics, KlDivergenceClipsAsKeras) {
  // Targets [0.5 0.5 0] and [1 0 0]; predictions [0.25 0.75 0] and
  // [0.5 0.25 0.25]. Zeros become 1e-7 on both sides:
  //   row 0: 0.5 ln(0.5/0.25) + 0.5 ln(0.5/0.75) + 1e-7 ln(1e-7/1e-7)
  //   row 1: 1 ln(1/0.5) + 2 * 1e-7 ln(1e-7/0.25)
  const double row0 = 0.5 * std::log(2.0) + 0.5 * std::log(0.5 / 0.75);
  const double row1 = std::log(2.0) + 2e-7 * std::log(1e-7 / 0.25);
  EXPECT_NEAR(MeanKlDivergence({0.25f, 0.75f, 0.f, 0.5f, 0.25f, 0.25f},
                               {0.5f, 0.5f, 0.f, 1.f, 0.f, 0.f}, 3),
              (row0 + row1) / 2, 1e-9);
  // A zero prediction for the true class is finite: ln(1/1e-7) + 1e-7 ln(1e-7).
  EXPECT_NEAR(MeanKlDivergence({0.f, 1.f}, {1.f, 0.f}, 2), std::log(1e7) + 1e-7 * std::log(1e-7),
              1e-9);
  EXPECT_EQ(MeanKlDivergence({0.2f, 0.8f}, {0.2f, 0.8f}, 2), 0.0);
  EXPECT_EQ(KindOf([] { MeanKlDivergence({0.5f, 0.5f}, {1.f}, 2); }), ErrorKind::kMismatch);
}

TEST(Metrics, MeanAveragePrecisionGroupsTiesAndSkipsClassesWithoutPositives) {
  // Class 0: scores 0.9+ 0.8- 0.3+ 0.1-; thresholds from the top:
  //   0.9: P 1, R 1/2 -> 1/2; 0.8: R unchanged; 0.3: P 2/3, R 1 -> 1/2 * 2/3.
  //   AP = 1/2 + 1/3 = 5/6.
  // Class 1: scores 0.5+ 0.5- 0.2- 0.5-; one threshold 0.5 holds all three
  //   0.5s: P 1/3, R 1 -> AP 1/3.
  // Class 2: no positive, left out. mAP = (5/6 + 1/3) / 2 = 7/12.
  const std::vector<float> scores = {0.9f, 0.5f, 0.1f, 0.8f, 0.5f, 0.2f,
                                     0.3f, 0.2f, 0.3f, 0.1f, 0.5f, 0.4f};
  const std::vector<float> targets = {1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0};
  EXPECT_NEAR(MeanAveragePrecision(scores, targets, 3), 7.0 / 12, 1e-12);
  EXPECT_EQ(KindOf([] { MeanAveragePrecision({0.5f, 0.5f}, {0.f, 0.f}, 2); }), ErrorKind::kBadData);
  EXPECT_EQ(KindOf([] {
              MeanAveragePrecision({0.5f, 0.5f}, {0.5f, 0.f}, 2);
            }),
            ErrorKind::kBadData);
}

TEST(Metrics, LwlrapWeighsEveryPositiveLabelEqually) {
  // Row 0 [0.9 0.5 0.1], positives 0 and 2:
  //   class 0: 1 label >= 0.9, 1 positive -> 1; class 2: 3 labels, 2 positive -> 2/3.
  // Row 1 [0.2 0.7 0.7], positive 2: the tie with class 1 ranks both at 2,
  //   1 positive -> 1/2.
  // Row 2 has no positive and does not count. lwlrap = (1 + 2/3 + 1/2) / 3.
  const std::vector<float> scores = {0.9f, 0.5f, 0.1f, 0.2f, 0.7f, 0.7f, 0.3f, 0.3f, 0.3f};
  const std::vector<float> targets = {1, 0, 1, 0, 0, 1, 0, 0, 0};
  EXPECT_NEAR(Lwlrap(scores, targets, 3), (1.0 + 2.0 / 3 + 0.5) / 3, 1e-12);
  // A perfect ranking scores 1.
  EXPECT_DOUBLE_EQ(Lwlrap({0.9f, 0.1f, 0.2f, 0.8f}, {1, 0, 0, 1}, 2), 1.0);
}

TEST(MetricsReport, SingleLabelJsonCarriesClassNames) {
  const MetricsReport r = EvaluateSingleLabel(kScores, kLabels, {"yes", "no", "up"}, {1, 3, 5});
  ASSERT_EQ(r.top_k_accuracy.size(), 2u);  // k = 5 > 3 classes is skipped
  const auto j = nlohmann::json::parse(r.ToJson());
  EXPECT_EQ(j["rows"], 4);
  EXPECT_DOUBLE_EQ(j["accuracy"].get<double>(), 0.25);
  EXPECT_DOUBLE_EQ(j["top_k_accuracy"]["3"].get<double>(), 1.0);
  EXPECT_NEAR(j["map_at_3"].get<double>(), (1.0 + 1.0 / 3 + 0.5 + 0.5) / 4, 1e-12);
  EXPECT_EQ(j["per_class"][1]["class"], "no");
  EXPECT_EQ(j["per_class"][1]["support"], 2);
  EXPECT_EQ(j["confusion_matrix"]["counts"][1][2], 1);  // a "no" taken for "up"
  EXPECT_FALSE(j.contains("kl_divergence"));
  EXPECT_FALSE(j.contains("lwlrap"));
}

TEST(MetricsReport, SoftAndMultiLabelReports) {
  // Soft: predictions equal to targets -> KL 0; argmax of targets 1, 0 both hit.
  const MetricsReport soft =
      EvaluateSoftLabels({0.2f, 0.8f, 0.6f, 0.4f}, {0.2f, 0.8f, 0.6f, 0.4f}, {"a", "b"});
  ASSERT_TRUE(soft.kl_divergence.has_value());
  EXPECT_EQ(*soft.kl_divergence, 0.0);
  EXPECT_EQ(*soft.accuracy, 1.0);
  EXPECT_FALSE(soft.map_at_3.has_value());  // needs 3 classes

  const MetricsReport multi =
      EvaluateMultiLabel({0.9f, 0.1f, 0.2f, 0.8f}, {1, 0, 0, 1}, {"a", "b"});
  const auto j = nlohmann::json::parse(multi.ToJson());
  EXPECT_DOUBLE_EQ(j["mean_average_precision"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(j["lwlrap"].get<double>(), 1.0);
  EXPECT_FALSE(j.contains("accuracy"));
  EXPECT_EQ(KindOf([] {
              EvaluateSingleLabel(kScores, kLabels, {"a", "b"});
            }),
            ErrorKind::kMismatch);
}

}  // namespace
}  // namespace earshot::eval
