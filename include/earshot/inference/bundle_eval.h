// Evaluating model bundles on a labelled data set: the `earshot eval`
// command as a library.
//
//   BundleEvalOptions o;                      // the test split, top-1/3/5
//   o.settings = {"data.max_per_class=50"};
//   BundleEval r = EvaluateBundles({"runs/kws/model/best.bundle"}, "data/kws", o);
//   std::cout << r.ToJson();
//   WriteEvalOutputs(r, "runs/kws/eval");     // metrics.json, predictions.csv, PNGs
//
// The data are read with the bundle's data options (its recipe's, so the
// split is the one trained with), their root replaced by the given folder,
// then `settings` applied. The data's labels are mapped onto the bundle's by
// name: a data label the bundle lacks is an error naming it. Each clip is
// predicted whole (long clips windowed, docs/predict.md); silence clips of
// the Speech Commands layout are made as the trainer's evaluation loaders
// make them (SilenceClip), so a run's own split gives its metrics. With
// `corrupt`, the split is predicted again under each corruption (every
// clip, silence included, corrupted with draws fixed by the corruption and
// the clip), for the robustness table.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "earshot/data/bad_files.h"
#include "earshot/eval/ensemble.h"
#include "earshot/eval/metrics.h"
#include "earshot/inference/predictor.h"

namespace earshot {

struct BundleEvalOptions {
  std::vector<std::string> settings;  // "data.key=value" (or "key=value") data overrides
  std::string split = "test";         // test | validation | train | all
  std::vector<int> top_k{1, 3, 5};    // top-k accuracies reported (single-label)
  std::string combine = "mean";       // mean | geometric: several bundles' probabilities
  std::string on_bad_file = "skip";   // skip (leave out and list unreadable files) | fail
  std::vector<std::string> corrupt;   // corruption specs (data/corruption.h): a robustness table
  PredictorOptions predictor;
};

// One row of the robustness table: the split's metric with every clip
// corrupted.
struct RobustnessRow {
  std::string corruption;  // "noise:snr=10"
  std::string kind;        // "noise"
  std::string parameter;   // "snr"; empty for telephone
  double level = 0.0;
  double metric = 0.0;     // BundleEval::robustness_metric
};

struct BundleEval {
  std::vector<std::string> bundles;
  std::string data_root;
  std::string layout;
  std::string split;
  std::string task;                    // the first bundle's: single_label | soft_label
  eval::MetricsReport report;
  eval::Predictions predictions;       // rows = evaluated clips, columns = the bundle's labels
  std::vector<int> labels;             // per row: bundle label index, -1 when soft-labelled
  std::vector<float> targets;          // per row: the target distribution (soft), else empty
  int64_t bad_files = 0;               // clips of the split that could not be read
  BadFileReport skipped;               // the files left out (clips and noise files), and why
  std::map<std::string, int64_t> counts;  // evaluated clips per label
  std::string robustness_metric;       // accuracy (single-label) | mean_average_precision (soft)
  double robustness_clean = 0.0;       // that metric on the clean split
  std::vector<RobustnessRow> robustness;  // per corruption given, in order

  // The report's JSON object plus bundles, data, split, clips, bad_files,
  // skipped ([{"path", "reason"}]) and counts; with corruptions,
  // "robustness": {"metric", "clean", "rows": [{"corruption", "kind",
  // "parameter", "level", METRIC, "change"}]}.
  std::string ToJson() const;
};

BundleEval EvaluateBundles(const std::vector<std::string>& bundles, const std::string& data_root,
                           const BundleEvalOptions& options);

// metrics.json, predictions.csv, and for single-label reports confusion.png
// (rows true, columns predicted) and class_recall.png (per-class accuracy);
// with corruptions, robustness.csv (corruption, kind, parameter, level,
// metric; the clean split first) and robustness.png.
void WriteEvalOutputs(const BundleEval& result, const std::string& dir);

}  // namespace earshot
