// Prediction sets (rows of class scores) on disk, and ensembles of several.
//
//   std::vector<Predictions> folds;
//   for (const auto& f : files) folds.push_back(ReadPredictions(f, classes));
//   Predictions mean = Combine(folds, {EnsembleMethod::kGeometric});
//   WritePredictions("test_pred.csv", mean);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace earshot::eval {

struct Predictions {
  std::string source;                // file or producer, named in error messages
  std::vector<std::string> ids;      // one per row; empty when read from .npy
  std::vector<std::string> classes;  // column names; empty when unknown (.npy)
  std::vector<float> scores;         // rows x columns, row-major
  int columns = 0;

  int64_t Rows() const { return columns > 0 ? static_cast<int64_t>(scores.size()) / columns : 0; }
};

// Reads a .npy array [N, K] or a CSV file `id,<class...>` (by extension).
// CSV columns are matched to `classes` by name, so the result's columns are
// in `classes` order whatever the file's; a class missing from the file, or
// one the file has that `classes` lacks, is an error. An .npy array must
// have K == classes.size() columns. With `classes` empty the file's own
// order is kept.
Predictions ReadPredictions(const std::string& path, const std::vector<std::string>& classes);

// Writes .npy (scores only) or CSV (`id,<class...>`; rows numbered from 0
// when there are no ids), by extension.
void WritePredictions(const std::string& path, const Predictions& predictions);

enum class EnsembleMethod {
  kArithmetic,  // weighted mean of the scores (seed 002)
  kGeometric,   // weighted mean of log scores, exponentiated (seed 003)
};
// "arithmetic" | "geometric"; `option` names the setting in the message.
EnsembleMethod ParseEnsembleMethod(const std::string& name, const std::string& option);

struct EnsembleOptions {
  EnsembleMethod method = EnsembleMethod::kArithmetic;
  // One per input, >= 0 and not all 0; empty means equal weights.
  std::vector<double> weights;
  // Scores are floored at this before the log of a geometric mean, so one
  // model's 0 does not veto a class outright.
  double epsilon = 1e-7;
  // After a geometric mean, divide each row by its sum so rows are
  // distributions again (the geometric mean of distributions sums to <= 1).
  // Turn off for independent multi-label scores. The arithmetic mean of
  // distributions already sums to 1 and is never rescaled.
  bool renormalize = true;
};

// Combines inputs of equal shape; ids and class names, where both inputs
// have them, must agree. Errors name the input (its `source`).
Predictions Combine(const std::vector<Predictions>& inputs, const EnsembleOptions& options);

}  // namespace earshot::eval
