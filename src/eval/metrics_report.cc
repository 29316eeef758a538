// MetricsReport: gathering the metrics that apply and writing them as JSON.
#include <nlohmann/json.hpp>

#include "earshot/eval/metrics.h"
#include "earshot/util/error.h"
#include "matrix_checks.h"

namespace earshot::eval {
namespace {

int CheckedClassCount(const std::vector<std::string>& classes) {
  if (classes.empty()) ThrowOption("metrics: the class list is empty");
  return static_cast<int>(classes.size());
}

}  // namespace

std::string MetricsReport::ToJson() const {
  nlohmann::ordered_json j;
  j["rows"] = rows;
  j["classes"] = classes;
  if (accuracy) j["accuracy"] = *accuracy;
  if (!top_k_accuracy.empty()) {
    nlohmann::ordered_json top;
    for (const auto& [k, value] : top_k_accuracy) top[std::to_string(k)] = value;
    j["top_k_accuracy"] = top;
  }
  if (map_at_3) j["map_at_3"] = *map_at_3;
  if (kl_divergence) j["kl_divergence"] = *kl_divergence;
  if (mean_average_precision) j["mean_average_precision"] = *mean_average_precision;
  if (lwlrap) j["lwlrap"] = *lwlrap;
  if (per_class) {
    const ClassScores& s = *per_class;
    j["macro"] = {{"precision", s.macro_precision}, {"recall", s.macro_recall}, {"f1", s.macro_f1}};
    j["weighted"] = {
        {"precision", s.weighted_precision}, {"recall", s.weighted_recall}, {"f1", s.weighted_f1}};
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (size_t c = 0; c < s.precision.size(); ++c) {
      list.push_back({{"class", c < classes.size() ? classes[c] : std::to_string(c)},
                      {"precision", s.precision[c]},
                      {"recall", s.recall[c]},
                      {"f1", s.f1[c]},
                      {"support", s.support[c]}});
    }
    j["per_class"] = list;
  }
  if (!confusion.empty()) {
    const size_t k = classes.size();
    nlohmann::ordered_json matrix = nlohmann::ordered_json::array();
    for (size_t t = 0; t < k; ++t) {
      matrix.push_back(std::vector<int64_t>(confusion.begin() + static_cast<long>(t * k),
                                            confusion.begin() + static_cast<long>((t + 1) * k)));
    }
    j["confusion_matrix"] = {
        {"rows", "true class"}, {"columns", "predicted class"}, {"counts", matrix}};
  }
  return j.dump(2);
}

MetricsReport EvaluateSingleLabel(const std::vector<float>& scores, const std::vector<int>& labels,
                                  const std::vector<std::string>& classes,
                                  const std::vector<int>& top_k) {
  const int k = CheckedClassCount(classes);
  MetricsReport r;
  r.classes = classes;
  r.rows = CheckedRows(scores, k, "scores");
  r.accuracy = Accuracy(scores, k, labels);
  for (int n : top_k) {
    if (n < 1) ThrowOption("metrics: top-k values should be >= 1. Given: " + std::to_string(n));
    if (n <= k) r.top_k_accuracy.emplace_back(n, TopKAccuracy(scores, k, labels, n));
  }
  if (k >= 3) r.map_at_3 = MapAtK(scores, k, labels, 3);
  r.confusion = ConfusionMatrix(labels, Argmax(scores, k), k);
  r.per_class = PerClassScores(r.confusion, k);
  return r;
}

MetricsReport EvaluateSoftLabels(const std::vector<float>& predicted,
                                 const std::vector<float>& targets,
                                 const std::vector<std::string>& classes) {
  const int k = CheckedClassCount(classes);
  const double kl = MeanKlDivergence(predicted, targets, k);
  MetricsReport r = EvaluateSingleLabel(predicted, Argmax(targets, k), classes);
  r.kl_divergence = kl;
  return r;
}

MetricsReport EvaluateMultiLabel(const std::vector<float>& scores,
                                 const std::vector<float>& targets,
                                 const std::vector<std::string>& classes) {
  const int k = CheckedClassCount(classes);
  MetricsReport r;
  r.classes = classes;
  r.rows = CheckedRows(scores, k, "scores");
  r.mean_average_precision = MeanAveragePrecision(scores, targets, k);
  r.lwlrap = Lwlrap(scores, targets, k);
  return r;
}

}  // namespace earshot::eval
