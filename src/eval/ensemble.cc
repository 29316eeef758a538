// Arithmetic and geometric means of prediction sets.
#include "earshot/eval/ensemble.h"

#include <algorithm>
#include <cmath>

#include "earshot/util/error.h"
#include "matrix_checks.h"

namespace earshot::eval {
namespace {

std::string Describe(const Predictions& p, size_t index) {
  return "ensemble input " + std::to_string(index) + " (" +
         (p.source.empty() ? std::string("unnamed") : p.source) + ")";
}

std::vector<double> CheckedWeights(const EnsembleOptions& options, size_t inputs) {
  if (options.weights.empty()) return std::vector<double>(inputs, 1.0);
  if (options.weights.size() != inputs) {
    ThrowOption("ensemble weights: " + std::to_string(options.weights.size()) + " weights for " +
                std::to_string(inputs) + " inputs");
  }
  double total = 0;
  for (size_t i = 0; i < inputs; ++i) {
    const double w = options.weights[i];
    if (!(w >= 0) || !std::isfinite(w)) {
      ThrowOption("ensemble weights: weight " + std::to_string(i) +
                  " should be >= 0. Given: " + std::to_string(w));
    }
    total += w;
  }
  if (total <= 0) ThrowOption("ensemble weights: all weights are 0");
  return options.weights;
}

// Shapes, ids and names must match the first input's.
void CheckCompatible(const std::vector<Predictions>& inputs) {
  const Predictions& first = inputs[0];
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Predictions& p = inputs[i];
    const std::string what = Describe(p, i);
    CheckedRows(p.scores, p.columns, what);
    CheckFinite(p.scores, p.columns, what);
    if (!p.ids.empty() && static_cast<int64_t>(p.ids.size()) != p.Rows()) {
      ThrowMismatch(what + ": " + std::to_string(p.ids.size()) + " ids for " +
                    std::to_string(p.Rows()) + " rows");
    }
    if (p.columns != first.columns || p.Rows() != first.Rows()) {
      ThrowMismatch(what + ": shape " + std::to_string(p.Rows()) + " x " +
                    std::to_string(p.columns) + " differs from " + Describe(first, 0) + "'s " +
                    std::to_string(first.Rows()) + " x " + std::to_string(first.columns));
    }
    if (!p.classes.empty() && !first.classes.empty() && p.classes != first.classes) {
      ThrowMismatch(what + ": its class columns differ from those of " + Describe(first, 0) +
                    "; read both with the same class list");
    }
    if (!p.ids.empty() && !first.ids.empty()) {
      for (size_t r = 0; r < p.ids.size(); ++r) {
        if (p.ids[r] != first.ids[r]) {
          ThrowMismatch(what + ": row " + std::to_string(r) + " is '" + p.ids[r] + "' but in " +
                        Describe(first, 0) + " it is '" + first.ids[r] + "'");
        }
      }
    }
  }
}

}  // namespace

EnsembleMethod ParseEnsembleMethod(const std::string& name, const std::string& option) {
  if (name == "mean" || name == "arithmetic") return EnsembleMethod::kArithmetic;
  if (name == "geometric") return EnsembleMethod::kGeometric;
  ThrowOption(option + " should be one of mean (arithmetic) | geometric. Given: '" + name + "'");
}

Predictions Combine(const std::vector<Predictions>& inputs, const EnsembleOptions& options) {
  if (inputs.empty()) ThrowOption("ensemble: no inputs");
  if (!(options.epsilon > 0)) {
    ThrowOption("ensemble epsilon should be > 0. Given: " + std::to_string(options.epsilon));
  }
  const std::vector<double> weights = CheckedWeights(options, inputs.size());
  CheckCompatible(inputs);
  const bool geometric = options.method == EnsembleMethod::kGeometric;

  const size_t n = inputs[0].scores.size();
  std::vector<double> acc(n, 0.0);
  double total = 0;
  for (size_t i = 0; i < inputs.size(); ++i) {
    total += weights[i];
    const std::vector<float>& s = inputs[i].scores;
    for (size_t j = 0; j < n; ++j) {
      if (geometric && s[j] < 0) {
        ThrowBadData(Describe(inputs[i], i) + ": row " + std::to_string(j / inputs[i].columns) +
                     ", column " + std::to_string(j % inputs[i].columns) + " is " +
                     std::to_string(s[j]) + "; a geometric mean needs scores >= 0");
      }
      acc[j] += weights[i] * (geometric ? std::log(std::max<double>(s[j], options.epsilon)) : s[j]);
    }
  }

  Predictions out;
  out.source = "ensemble of " + std::to_string(inputs.size());
  out.columns = inputs[0].columns;
  for (const Predictions& p : inputs) {
    if (out.ids.empty()) out.ids = p.ids;
    if (out.classes.empty()) out.classes = p.classes;
  }
  out.scores.resize(n);
  const size_t k = static_cast<size_t>(out.columns);
  for (size_t r = 0; r < n / k; ++r) {
    double row_sum = 0;
    for (size_t c = 0; c < k; ++c) {
      double v = acc[r * k + c] / total;
      if (geometric) v = std::exp(v);
      acc[r * k + c] = v;
      row_sum += v;
    }
    const double scale = geometric && options.renormalize ? 1.0 / row_sum : 1.0;
    for (size_t c = 0; c < k; ++c)
      out.scores[r * k + c] = static_cast<float>(acc[r * k + c] * scale);
  }
  return out;
}

}  // namespace earshot::eval
