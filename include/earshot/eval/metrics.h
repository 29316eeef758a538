// Classification metrics on score matrices, without LibTorch.
//
//   std::vector<float> probs = ...;             // N x K, row-major
//   std::vector<int> labels = ...;              // N class indices
//   MetricsReport r = EvaluateSingleLabel(probs, labels, classes, {1, 3});
//   std::cout << r.ToJson();
//
// Ranking rule shared by Argmax, TopKAccuracy and MapAtK: classes are
// ordered by descending score and ties go to the lower class index (as
// numpy.argmax), so top-1 accuracy always equals Accuracy.
// Definitions and the references each metric matches: docs/metrics.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace earshot::eval {

// ---- single-label (one true class per row) ----

// The index of the highest score per row (first one on ties).
std::vector<int> Argmax(const std::vector<float>& scores, int num_classes);

// The class indices of one row of scores, best first, the first k (all
// when k >= num_classes); ties to the lower index.
std::vector<int> RankedClasses(const float* row, int num_classes, int k);

// Fraction of rows whose highest-scored class is the true one.
double Accuracy(const std::vector<float>& scores, int num_classes, const std::vector<int>& labels);

// Fraction of rows whose true class is among the k highest scores.
// Throws if k < 1 or k > num_classes.
double TopKAccuracy(const std::vector<float>& scores, int num_classes,
                    const std::vector<int>& labels, int k);

// Mean over rows of 1/rank of the true class when it ranks in the top k,
// else 0 (Freesound 2018 MAP@3 with k = 3).
double MapAtK(const std::vector<float>& scores, int num_classes, const std::vector<int>& labels,
              int k = 3);

// counts[t * K + p]: rows of true class t predicted as p.
std::vector<int64_t> ConfusionMatrix(const std::vector<int>& truth,
                                     const std::vector<int>& predicted, int num_classes);

struct ClassScores {
  std::vector<double> precision, recall, f1;  // per class; 0 where undefined
  std::vector<int64_t> support;               // true rows per class
  // Means over the classes that occur in truth or predictions (as sklearn's
  // average='macro'), and weighted by support (average='weighted').
  double macro_precision = 0, macro_recall = 0, macro_f1 = 0;
  double weighted_precision = 0, weighted_recall = 0, weighted_f1 = 0;
};

// Precision, recall and F1 per class from a K x K confusion matrix.
ClassScores PerClassScores(const std::vector<int64_t>& confusion, int num_classes);

// ---- soft labels (each target row a distribution) ----

// Keras clips both distributions to [kKlEpsilon, 1] before the log.
inline constexpr double kKlEpsilon = 1e-7;

// Mean over rows of KL(target || predicted) = sum_k t_k log(t_k / p_k),
// computed as keras.losses.KLDivergence does.
double MeanKlDivergence(const std::vector<float>& predicted, const std::vector<float>& targets,
                        int num_classes);

// ---- multi-label (targets are 0/1 per class) ----

// Mean over classes of average precision (sklearn average_precision_score,
// average='macro'). Classes with no positive row have no defined AP and are
// left out; throws if no class has one.
double MeanAveragePrecision(const std::vector<float>& scores, const std::vector<float>& targets,
                            int num_classes);

// Label-weighted label-ranking average precision (DCASE 2019 task 2).
// Rows without a positive label do not count.
double Lwlrap(const std::vector<float>& scores, const std::vector<float>& targets, int num_classes);

// ---- report ----

// Whatever metrics apply to the kind of labels evaluated; absent ones are
// left out of the JSON.
struct MetricsReport {
  std::vector<std::string> classes;
  int64_t rows = 0;
  std::optional<double> accuracy;
  std::vector<std::pair<int, double>> top_k_accuracy;  // (k, accuracy)
  std::optional<double> map_at_3;
  std::optional<ClassScores> per_class;
  std::vector<int64_t> confusion;  // K x K, rows true; empty when not single-label
  std::optional<double> kl_divergence;
  std::optional<double> mean_average_precision;
  std::optional<double> lwlrap;

  // Pretty-printed JSON object; per-class entries carry the class names.
  std::string ToJson() const;
};

// Accuracy, top-k accuracy for each k in `top_k` (values > K are skipped, so
// a default list works for any class count), MAP@3 when K >= 3, per-class
// scores and the confusion matrix.
MetricsReport EvaluateSingleLabel(const std::vector<float>& scores, const std::vector<int>& labels,
                                  const std::vector<std::string>& classes,
                                  const std::vector<int>& top_k = {1, 3, 5});

// Mean KL divergence, plus the single-label metrics against each target's
// most probable class.
MetricsReport EvaluateSoftLabels(const std::vector<float>& predicted,
                                 const std::vector<float>& targets,
                                 const std::vector<std::string>& classes);

// mAP and lwlrap.
MetricsReport EvaluateMultiLabel(const std::vector<float>& scores,
                                 const std::vector<float>& targets,
                                 const std::vector<std::string>& classes);

}  // namespace earshot::eval
