// Single-label and soft-label metrics.
#include "earshot/eval/metrics.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "earshot/util/error.h"
#include "matrix_checks.h"

namespace earshot::eval {
namespace {

// 1-based rank of class `label` in a row: classes scored higher, plus equal
// ones with a lower index, come first.
int RankOf(const float* row, int num_classes, int label) {
  const float s = row[label];
  int rank = 1;
  for (int j = 0; j < num_classes; ++j) {
    if (row[j] > s || (row[j] == s && j < label)) ++rank;
  }
  return rank;
}

void CheckK(int k, int num_classes, const std::string& metric) {
  if (k < 1 || k > num_classes) {
    ThrowOption(metric + ": k should be in [1, " + std::to_string(num_classes) +
                "] (the number of classes). Given: " + std::to_string(k));
  }
}

int64_t CheckedSingleLabel(const std::vector<float>& scores, int num_classes,
                           const std::vector<int>& labels) {
  const int64_t rows = CheckedRows(scores, num_classes, "scores");
  CheckFinite(scores, num_classes, "scores");
  CheckLabels(labels, rows, num_classes);
  return rows;
}

}  // namespace

std::vector<int> Argmax(const std::vector<float>& scores, int num_classes) {
  const int64_t rows = CheckedRows(scores, num_classes, "scores");
  std::vector<int> out(static_cast<size_t>(rows));
  for (int64_t i = 0; i < rows; ++i) {
    const float* row = scores.data() + i * num_classes;
    out[static_cast<size_t>(i)] = static_cast<int>(std::max_element(row, row + num_classes) - row);
  }
  return out;
}

std::vector<int> RankedClasses(const float* row, int num_classes, int k) {
  std::vector<int> order(static_cast<size_t>(std::max(num_classes, 0)));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [row](int a, int b) { return row[a] > row[b]; });
  order.resize(static_cast<size_t>(std::clamp(k, 0, std::max(num_classes, 0))));
  return order;
}

double Accuracy(const std::vector<float>& scores, int num_classes, const std::vector<int>& labels) {
  return TopKAccuracy(scores, num_classes, labels, 1);
}

double TopKAccuracy(const std::vector<float>& scores, int num_classes,
                    const std::vector<int>& labels, int k) {
  const int64_t rows = CheckedSingleLabel(scores, num_classes, labels);
  CheckK(k, num_classes, "top-k accuracy");
  int64_t hits = 0;
  for (int64_t i = 0; i < rows; ++i) {
    if (RankOf(scores.data() + i * num_classes, num_classes, labels[static_cast<size_t>(i)]) <= k) {
      ++hits;
    }
  }
  return static_cast<double>(hits) / static_cast<double>(rows);
}

double MapAtK(const std::vector<float>& scores, int num_classes, const std::vector<int>& labels,
              int k) {
  const int64_t rows = CheckedSingleLabel(scores, num_classes, labels);
  CheckK(k, num_classes, "MAP@k");
  double sum = 0;
  for (int64_t i = 0; i < rows; ++i) {
    const int rank =
        RankOf(scores.data() + i * num_classes, num_classes, labels[static_cast<size_t>(i)]);
    if (rank <= k) sum += 1.0 / rank;
  }
  return sum / static_cast<double>(rows);
}

std::vector<int64_t> ConfusionMatrix(const std::vector<int>& truth,
                                     const std::vector<int>& predicted, int num_classes) {
  if (num_classes < 1) {
    ThrowOption("confusion matrix: the number of classes should be >= 1. Given: " +
                std::to_string(num_classes));
  }
  CheckLabels(truth, static_cast<int64_t>(predicted.size()), num_classes);
  std::vector<int64_t> counts(static_cast<size_t>(num_classes) * num_classes, 0);
  for (size_t i = 0; i < truth.size(); ++i) {
    const int p = predicted[i];
    if (p < 0 || p >= num_classes) {
      ThrowBadData("predictions: row " + std::to_string(i) + " has class " + std::to_string(p) +
                   ", outside [0, " + std::to_string(num_classes) + ")");
    }
    ++counts[static_cast<size_t>(truth[i]) * num_classes + p];
  }
  return counts;
}

ClassScores PerClassScores(const std::vector<int64_t>& confusion, int num_classes) {
  const size_t k = static_cast<size_t>(std::max(num_classes, 0));
  if (num_classes < 1 || confusion.size() != k * k) {
    ThrowMismatch("per-class scores: a confusion matrix of " + std::to_string(confusion.size()) +
                  " cells is not " + std::to_string(num_classes) + " x " +
                  std::to_string(num_classes));
  }
  ClassScores s;
  s.precision.assign(k, 0.0);
  s.recall.assign(k, 0.0);
  s.f1.assign(k, 0.0);
  s.support.assign(k, 0);
  std::vector<int64_t> predicted(k, 0);
  for (size_t t = 0; t < k; ++t) {
    for (size_t p = 0; p < k; ++p) {
      s.support[t] += confusion[t * k + p];
      predicted[p] += confusion[t * k + p];
    }
  }
  int64_t total = 0, present = 0;
  for (size_t c = 0; c < k; ++c) {
    const double tp = static_cast<double>(confusion[c * k + c]);
    // A class never predicted (or never true) scores 0, as sklearn's
    // zero_division default, rather than NaN.
    if (predicted[c] > 0) s.precision[c] = tp / static_cast<double>(predicted[c]);
    if (s.support[c] > 0) s.recall[c] = tp / static_cast<double>(s.support[c]);
    const double pr = s.precision[c] + s.recall[c];
    if (pr > 0) s.f1[c] = 2 * s.precision[c] * s.recall[c] / pr;
    if (s.support[c] > 0 || predicted[c] > 0) {
      ++present;
      s.macro_precision += s.precision[c];
      s.macro_recall += s.recall[c];
      s.macro_f1 += s.f1[c];
    }
    const double w = static_cast<double>(s.support[c]);
    s.weighted_precision += w * s.precision[c];
    s.weighted_recall += w * s.recall[c];
    s.weighted_f1 += w * s.f1[c];
    total += s.support[c];
  }
  if (present > 0) {
    s.macro_precision /= static_cast<double>(present);
    s.macro_recall /= static_cast<double>(present);
    s.macro_f1 /= static_cast<double>(present);
  }
  if (total > 0) {
    s.weighted_precision /= static_cast<double>(total);
    s.weighted_recall /= static_cast<double>(total);
    s.weighted_f1 /= static_cast<double>(total);
  }
  return s;
}

double MeanKlDivergence(const std::vector<float>& predicted, const std::vector<float>& targets,
                        int num_classes) {
  const int64_t rows = CheckedRows(predicted, num_classes, "predictions");
  if (targets.size() != predicted.size()) {
    ThrowMismatch("KL divergence: " + std::to_string(targets.size()) + " target values for " +
                  std::to_string(predicted.size()) + " predicted values");
  }
  CheckFinite(predicted, num_classes, "predictions");
  CheckFinite(targets, num_classes, "targets");
  auto clip = [](float v) { return std::clamp(static_cast<double>(v), kKlEpsilon, 1.0); };
  double sum = 0;
  for (size_t i = 0; i < predicted.size(); ++i) {
    const double t = clip(targets[i]), p = clip(predicted[i]);
    sum += t * std::log(t / p);
  }
  return sum / static_cast<double>(rows);
}

}  // namespace earshot::eval
