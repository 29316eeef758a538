#include "earshot/inference/bundle_eval.h"

#include <algorithm>
#include <memory>

#include <nlohmann/json.hpp>

#include "earshot/data/corruption.h"
#include "earshot/data/load_clips.h"
#include "earshot/data/loader.h"
#include "earshot/data/readers.h"
#include "earshot/plots/charts.h"
#include "earshot/util/error.h"
#include "earshot/util/files.h"
#include "earshot/util/progress.h"

namespace earshot {
namespace {

bool InSplit(const ClipRef& c, const std::string& split) {
  if (split == "all") return true;
  if (split == "test") return c.split == Split::kTest;
  if (split == "validation") return c.split == Split::kValidation;
  return c.split == Split::kTrain;
}

// The data options the bundle was trained with, pointed at `root`.
DataOptions DataOptionsFor(const BundleInfo& info, const std::string& root,
                           const std::vector<std::string>& settings) {
  DataOptions d = info.data;
  d.root = root;
  d.split_file.clear();
  if (d.split == "file") d.split = "auto";
  ApplySettings(d, settings, "data");
  return d;
}

// Predictions of one bundle on the subset's clips `clip_rows`, in that
// order. Silence clips are made as the trainer's evaluation loaders make
// them (SilenceClip), keyed by their index in the whole data set; with a
// corruption, every clip is then corrupted, its draws keyed by that index.
std::vector<float> PredictStore(const Predictor& p, const LoaderOptions& loader, const LoadedClips& loaded,
                                const std::vector<int64_t>& clip_rows,
                                const std::vector<int64_t>& dataset_index,
                                const Corruption* corruption) {
  std::vector<float> out;
  std::unique_ptr<ProgressBar> bar;
  if (clip_rows.size() > kProgressFiles) {
    const std::string what = corruption ? " " + corruption->Name() : "";
    bar = std::make_unique<ProgressBar>("eval " + p.path() + what, static_cast<int64_t>(clip_rows.size()));
  }
  const size_t chunk = 256;
  for (size_t first = 0; first < clip_rows.size(); first += chunk) {
    const size_t end = std::min(clip_rows.size(), first + chunk);
    std::vector<std::vector<float>> clips;
    for (size_t i = first; i < end; ++i) {
      const size_t clip = static_cast<size_t>(clip_rows[i]);
      const int64_t row = loaded.row[clip];
      if (row == LoadedClips::kSilence) {
        clips.push_back(SilenceClip(loader, loaded.noise, dataset_index[clip]));
      } else {
        clips.push_back(loaded.clips.Read(row));
      }
      if (corruption) {
        SplitMix64 rng = CorruptionRng(*corruption, dataset_index[clip]);
        ApplyCorruption(*corruption, clips.back(), p.sample_rate(), loaded.noise, rng);
      }
    }
    const std::vector<float> rows = p.PredictClips(clips);
    out.insert(out.end(), rows.begin(), rows.end());
    if (bar) bar->Update(static_cast<int64_t>(end));
  }
  if (bar) bar->Finish();
  return out;
}

}  // namespace

BundleEval EvaluateBundles(const std::vector<std::string>& bundles, const std::string& data_root,
                           const BundleEvalOptions& options) {
  if (bundles.empty()) ThrowOption("eval: give at least one model bundle");
  if (options.split != "test" && options.split != "validation" && options.split != "train" &&
      options.split != "all") {
    ThrowOption("--split should be test | validation | train | all. Given: '" + options.split + "'");
  }
  std::vector<Corruption> corruptions;
  for (const std::string& spec : options.corrupt) {
    for (Corruption& c : ParseCorruptions(spec)) corruptions.push_back(std::move(c));
  }
  eval::EnsembleOptions eo;
  eo.method = eval::ParseEnsembleMethod(options.combine,
                                        "--combine");
  std::vector<std::unique_ptr<Predictor>> owned;
  std::vector<const Predictor*> predictors;
  for (const auto& b : bundles) {
    owned.push_back(std::make_unique<Predictor>(b, options.predictor));
    predictors.push_back(owned.back().get());
  }
  CheckSameLabels(predictors);
  const Predictor& first = *predictors.front();
  const std::vector<std::string>& labels = first.labels();

  // Unreadable files: the store's policy, with no limit on their share
  // (each clip's prediction stands alone).
  StoreOptions store = first.info().store;
  store.on_bad_file = options.on_bad_file;
  store.max_bad_fraction = 1.0;
  store.Validate();
  const DataOptions data = DataOptionsFor(first.info(), data_root, options.settings);
  Dataset ds = ReadDataset(data);
  if (ds.classes.empty()) ThrowMismatch(data_root + ": the data have no labels: eval needs labelled clips");

  // Data label index -> bundle label index, by name.
  std::vector<int> to_bundle;
  for (const auto& name : ds.classes) {
    const auto it = std::find(labels.begin(), labels.end(), name);
    if (it == labels.end()) {
      std::string known;
      for (const auto& l : labels) known += (known.empty() ? "" : ", ") + l;
      ThrowMismatch(data_root + ": label '" + name + "' of the data is not one of the bundle's labels (" +
                    first.path() + ": " + known + ")");
    }
    to_bundle.push_back(static_cast<int>(it - labels.begin()));
  }

  // Only the chosen split is decoded.
  Dataset subset = ds;
  subset.clips.clear();
  std::vector<int64_t> dataset_index;  // per subset clip: its index in ds
  for (size_t i = 0; i < ds.clips.size(); ++i) {
    if (!InSplit(ds.clips[i], options.split)) continue;
    subset.clips.push_back(ds.clips[i]);
    dataset_index.push_back(static_cast<int64_t>(i));
  }
  if (subset.clips.empty()) {
    ThrowMismatch(data_root + ": no clips in the " + options.split +
                  " split (layout " + ds.layout + ", split rule '" + data.split +
                  "'); choose another with --split test|validation|train|all");
  }

  BundleEval r;
  r.bundles = bundles;
  r.data_root = data_root;
  r.layout = ds.layout;
  r.split = options.split;
  r.task = first.info().task;

  // sets[0]: clean; sets[1 + c]: under corruption c; one entry per bundle each.
  std::vector<std::vector<eval::Predictions>> sets(1 + corruptions.size());
  std::unique_ptr<LoadedClips> loaded;
  int loaded_rate = 0;
  std::vector<int64_t> kept;
  for (const Predictor* p : predictors) {
    if (!loaded || loaded_rate != p->sample_rate()) {
      loaded = std::make_unique<LoadedClips>(LoadClips(subset, p->sample_rate(), store));
      loaded_rate = p->sample_rate();
      kept.clear();
      for (size_t i = 0; i < subset.clips.size(); ++i) {
        if (loaded->row[i] != LoadedClips::kBad) kept.push_back(static_cast<int64_t>(i));
      }
    }
    for (size_t c = 0; c < sets.size(); ++c) {
      eval::Predictions set;
      set.source = p->path();
      set.classes = labels;
      set.columns = static_cast<int>(labels.size());
      for (int64_t i : kept) set.ids.push_back(subset.clips[static_cast<size_t>(i)].id);
      set.scores = PredictStore(*p, p->info().loader, *loaded, kept, dataset_index,
                                c == 0 ? nullptr : &corruptions[c - 1]);
      sets[c].push_back(std::move(set));
    }
  }
  auto combined = [&](size_t c) { return sets[c].size() == 1 ? sets[c].front() : eval::Combine(sets[c], eo); };
  r.bad_files = static_cast<int64_t>(subset.clips.size() - kept.size());
  r.skipped = loaded->bad;
  if (kept.empty()) ThrowBadData(data_root + ": none of the " + options.split + " split's files could be read");
  r.predictions = combined(0);

  const size_t k = labels.size();
  for (int64_t i : kept) {
    const ClipRef& c = subset.clips[static_cast<size_t>(i)];
    const int label = c.label >= 0 ? to_bundle[static_cast<size_t>(c.label)] : -1;
    r.labels.push_back(label);
    if (!c.soft.empty()) {
      std::vector<float> t(k, 0.f);
      for (size_t j = 0; j < c.soft.size(); ++j) t[static_cast<size_t>(to_bundle[j])] = c.soft[j];
      r.targets.insert(r.targets.end(), t.begin(), t.end());
    }
    ++r.counts[label >= 0 ? labels[static_cast<size_t>(label)] : "(soft)"];
  }
  if (!r.targets.empty()) {
    if (r.targets.size() != kept.size() * k) {
      ThrowBadData(data_root + ": soft and hard labels mixed in one split");
    }
    r.report = eval::EvaluateSoftLabels(r.predictions.scores, r.targets, labels);
  } else {
    r.report = eval::EvaluateSingleLabel(r.predictions.scores, r.labels, labels, options.top_k);
  }
  if (corruptions.empty()) return r;
  const bool soft = !r.targets.empty();
  r.robustness_metric = soft ? "mean_average_precision" : "accuracy";
  const int columns = static_cast<int>(k);
  r.robustness_clean = soft ? eval::MeanAveragePrecision(r.predictions.scores, r.targets, columns)
                            : eval::Accuracy(r.predictions.scores, columns, r.labels);
  for (size_t c = 0; c < corruptions.size(); ++c) {
    const std::vector<float> scores = combined(c + 1).scores;
    RobustnessRow row;
    row.corruption = corruptions[c].Name();
    row.kind = corruptions[c].kind;
    row.parameter = corruptions[c].parameter;
    row.level = corruptions[c].level;
    row.metric = soft ? eval::MeanAveragePrecision(scores, r.targets, columns)
                      : eval::Accuracy(scores, columns, r.labels);
    r.robustness.push_back(row);
  }
  return r;
}

std::string BundleEval::ToJson() const {
  nlohmann::json j = nlohmann::json::parse(report.ToJson());
  j["bundles"] = bundles;
  j["data"] = data_root;
  j["layout"] = layout;
  j["split"] = split;
  j["task"] = task;
  j["clips"] = predictions.Rows();
  j["bad_files"] = bad_files;
  j["skipped"] = nlohmann::json::array();
  for (const BadFile& f : skipped.bad) j["skipped"].push_back({{"path", f.path}, {"reason", f.reason}});
  j["counts"] = counts;
  if (!robustness.empty()) {
    const double clean = robustness_clean;
    nlohmann::json rows = nlohmann::json::array();
    for (const RobustnessRow& row : robustness) {
      rows.push_back({{"corruption", row.corruption}, {"kind", row.kind}, {"parameter", row.parameter},
                      {"level", row.level}, {robustness_metric, row.metric}, {"change", row.metric - clean}});
    }
    j["robustness"] = {{"metric", robustness_metric}, {"clean", clean}, {"rows", rows}};
  }
  return j.dump(2);
}

void WriteEvalOutputs(const BundleEval& r, const std::string& dir) {
  MakeDirs(dir);
  WriteFileAtomic(dir + "/metrics.json", r.ToJson() + "\n");
  eval::WritePredictions(dir + "/predictions.csv", r.predictions);
  if (!r.robustness.empty()) {
    const double clean = r.robustness_clean;
    std::string csv = "corruption,kind,parameter,level," + r.robustness_metric + "\n";
    csv += "clean,,,," + nlohmann::json(clean).dump() + "\n";
    std::vector<std::string> names{"clean"};
    std::vector<double> values{clean};
    for (const RobustnessRow& row : r.robustness) {
      csv += row.corruption + "," + row.kind + "," + row.parameter + "," + nlohmann::json(row.level).dump() +
             "," + nlohmann::json(row.metric).dump() + "\n";
      names.push_back(row.corruption);
      values.push_back(row.metric);
    }
    WriteFileAtomic(dir + "/robustness.csv", csv);
    plots::ClassScoreChart(dir + "/robustness.png", "Robustness (" + r.split + ")", r.robustness_metric,
                           names, values);
  }
  if (r.report.confusion.empty()) return;
  const auto& classes = r.report.classes;
  std::vector<double> cells(r.report.confusion.begin(), r.report.confusion.end());
  plots::HeatMap(dir + "/confusion.png", "Confusion matrix (" + r.split + ")", "predicted class",
                 "true class", classes, classes, cells, true);
  if (r.report.per_class) {
    plots::ClassScoreChart(dir + "/class_recall.png", "Accuracy per class (" + r.split + ")",
                           "recall", classes, r.report.per_class->recall);
  }
}

}  // namespace earshot
