// Ranking metrics for multi-label tagging: mAP and lwlrap.
#include <algorithm>
#include <numeric>

#include "earshot/eval/metrics.h"
#include "earshot/util/error.h"
#include "matrix_checks.h"

namespace earshot::eval {
namespace {

int64_t CheckedMultiLabel(const std::vector<float>& scores, const std::vector<float>& targets,
                          int num_classes) {
  const int64_t rows = CheckedRows(scores, num_classes, "scores");
  if (targets.size() != scores.size()) {
    ThrowMismatch("multi-label targets: " + std::to_string(targets.size()) + " values for " +
                  std::to_string(scores.size()) + " scores");
  }
  CheckFinite(scores, num_classes, "scores");
  for (size_t i = 0; i < targets.size(); ++i) {
    if (targets[i] != 0.0f && targets[i] != 1.0f) {
      ThrowBadData("multi-label targets: row " + std::to_string(i / num_classes) + ", column " +
                   std::to_string(i % num_classes) + " is " + std::to_string(targets[i]) +
                   "; targets should be 0 or 1");
    }
  }
  return rows;
}

// Average precision of one class: sum over distinct score thresholds, from
// the highest, of (recall gain) x (precision at that threshold). Tied scores
// form one threshold, as in sklearn's precision_recall_curve.
double AveragePrecision(std::vector<std::pair<float, bool>> scored, int64_t positives) {
  std::sort(scored.begin(), scored.end(),
            [](const auto& a, const auto& b) { return a.first > b.first; });
  double ap = 0, last_recall = 0;
  int64_t tp = 0, seen = 0;
  for (size_t i = 0; i < scored.size();) {
    const float threshold = scored[i].first;
    for (; i < scored.size() && scored[i].first == threshold; ++i) {
      ++seen;
      if (scored[i].second) ++tp;
    }
    const double recall = static_cast<double>(tp) / static_cast<double>(positives);
    ap += (recall - last_recall) * static_cast<double>(tp) / static_cast<double>(seen);
    last_recall = recall;
  }
  return ap;
}

}  // namespace

double MeanAveragePrecision(const std::vector<float>& scores, const std::vector<float>& targets,
                            int num_classes) {
  const int64_t rows = CheckedMultiLabel(scores, targets, num_classes);
  double sum = 0;
  int counted = 0;
  for (int c = 0; c < num_classes; ++c) {
    std::vector<std::pair<float, bool>> scored(static_cast<size_t>(rows));
    int64_t positives = 0;
    for (int64_t i = 0; i < rows; ++i) {
      const size_t at = static_cast<size_t>(i * num_classes + c);
      const bool positive = targets[at] == 1.0f;
      scored[static_cast<size_t>(i)] = {scores[at], positive};
      positives += positive;
    }
    if (positives == 0) continue;
    sum += AveragePrecision(std::move(scored), positives);
    ++counted;
  }
  if (counted == 0)
    ThrowBadData("mAP: no class has a positive row; average precision is undefined");
  return sum / counted;
}

double Lwlrap(const std::vector<float>& scores, const std::vector<float>& targets,
              int num_classes) {
  const int64_t rows = CheckedMultiLabel(scores, targets, num_classes);
  // Every (row, positive label) pair weighs the same, so each class weighs in
  // proportion to its positives.
  double sum = 0;
  int64_t pairs = 0;
  for (int64_t i = 0; i < rows; ++i) {
    const float* s = scores.data() + i * num_classes;
    const float* t = targets.data() + i * num_classes;
    for (int c = 0; c < num_classes; ++c) {
      if (t[c] != 1.0f) continue;
      // Ties rank pessimistically: every label scored >= s[c] counts as
      // ranked at or above c (sklearn's label_ranking_average_precision).
      int ranked = 0, hits = 0;
      for (int j = 0; j < num_classes; ++j) {
        if (s[j] >= s[c]) {
          ++ranked;
          if (t[j] == 1.0f) ++hits;
        }
      }
      sum += static_cast<double>(hits) / ranked;
      ++pairs;
    }
  }
  if (pairs == 0) ThrowBadData("lwlrap: no row has a positive label");
  return sum / static_cast<double>(pairs);
}

}  // namespace earshot::eval
