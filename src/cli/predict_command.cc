// `earshot predict BUNDLE... INPUTS...`: class probabilities for sound
// files, from one bundle or an ensemble, in the seed recipes' formats.
#include <algorithm>
#include <iostream>

#include "commands.h"
#include "earshot/data/bad_files.h"
#include "earshot/inference/prediction_formats.h"
#include "earshot/inference/predictor.h"
#include "earshot/util/error.h"
#include "earshot/util/files.h"

namespace earshot::cli {
namespace {

struct PredictArgs {
  std::vector<std::string> positional;   // BUNDLE... INPUTS...
  std::vector<std::string> predictions;  // saved .csv / .npy prediction files
  int top_k = 3;
  std::string format = "csv";
  std::string out;
  std::string template_csv;
  std::string combine = "mean";
  PredictorOptions predictor;
  std::string on_bad_file = "skip";
};

bool EndsWith(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

void Emit(const std::string& text, const std::string& out) {
  if (out.empty()) {
    std::cout << text;
  } else {
    WriteFileAtomic(out, text);
    std::cerr << "wrote " << out << "\n";
  }
}

void Run(const PredictArgs& a) {
  const std::string& f = a.format;
  if (f != "csv" && f != "json" && f != "freesound" && f != "dacon" && f != "npy") {
    ThrowOption("--format should be csv | json | freesound | dacon | npy. Given: '" + f + "'");
  }
  if (f == "dacon" && a.template_csv.empty()) ThrowOption("--format dacon needs --template submission.csv");
  if (f == "npy" && a.out.empty()) ThrowOption("--format npy needs --out FILE.npy");
  eval::EnsembleOptions eo;
  eo.method = eval::ParseEnsembleMethod(a.combine, "--combine");

  std::vector<std::string> bundles, inputs;
  for (const auto& p : a.positional) (EndsWith(p, ".bundle") ? bundles : inputs).push_back(p);
  if (bundles.empty() && a.predictions.empty()) {
    ThrowOption("give at least one model bundle (*.bundle) or --predictions FILE");
  }
  if (!bundles.empty() && inputs.empty()) ThrowOption("give the sound files, folders or lists to predict");

  std::vector<std::unique_ptr<Predictor>> owned;
  std::vector<const Predictor*> predictors;
  for (const auto& b : bundles) {
    owned.push_back(std::make_unique<Predictor>(b, a.predictor));
    predictors.push_back(owned.back().get());
  }
  // Unreadable inputs: the store's policy, with no limit on their share
  // (each file's prediction stands alone).
  StoreOptions policy;
  policy.on_bad_file = a.on_bad_file;
  policy.max_bad_fraction = 1.0;
  policy.Validate();
  std::vector<eval::Predictions> sets;
  std::vector<std::string> classes;
  std::vector<std::pair<std::string, std::string>> skipped;  // id, reason
  if (!predictors.empty()) {
    std::vector<std::string> paths, ids;
    for (const auto& in : ListInputs(inputs)) {
      paths.push_back(in.path);
      ids.push_back(in.id);
    }
    BadFileReport bad;
    PredictEnsemble(predictors, paths, ids, eo, &sets, policy.on_bad_file == "skip" ? &bad : nullptr);
    EnforceBadFilePolicy(bad, policy);
    if (!bad.bad.empty()) {
      std::cerr << "skipped: " << bad.Summary();
      for (const BadFile& f : bad.bad) {
        const size_t at = static_cast<size_t>(std::find(paths.begin(), paths.end(), f.path) - paths.begin());
        skipped.emplace_back(ids[at], f.reason);
      }
      if (sets.front().Rows() == 0) ThrowBadData("none of the " + std::to_string(paths.size()) + " input files could be read");
    }
    classes = predictors.front()->labels();
  }
  for (const auto& file : a.predictions) {
    // A saved set's columns are matched to the bundles' labels by name; an
    // .npy set (no names) must be in their order.
    eval::Predictions p = eval::ReadPredictions(file, classes);
    if (classes.empty()) classes = p.classes;
    if (p.classes.empty()) p.classes = classes;
    if (p.ids.empty() && !sets.empty()) p.ids = sets.front().ids;
    sets.push_back(std::move(p));
  }
  const eval::Predictions combined = sets.size() == 1 ? sets.front() : eval::Combine(sets, eo);
  if (combined.classes.empty() && (f == "freesound" || f == "dacon" || f == "csv" || f == "json")) {
    ThrowMismatch("the predictions have no class names (.npy only): give a bundle or a .csv set too");
  }
  if (f == "csv" || f == "json") Emit(FormatTopK(combined, a.top_k, f, skipped), a.out);
  if (f == "freesound") Emit(FormatFreesound(combined), a.out);
  if (f == "dacon") Emit(FormatDacon(combined, a.template_csv), a.out);
  if (f == "npy") {
    const std::string ids = WriteNpyWithIds(a.out, combined);
    std::cerr << "wrote " << a.out << " and " << ids << "\n";
    if (sets.size() > 1) {
      // Each model's own matrix beside the ensemble's (seed 003's per-fold arrays).
      const std::string stem = a.out.substr(0, a.out.size() - 4);
      for (size_t i = 0; i < sets.size(); ++i) {
        eval::WritePredictions(stem + ".model-" + std::to_string(i) + ".npy", sets[i]);
      }
      std::cerr << "wrote " << stem << ".model-{0.." << sets.size() - 1 << "}.npy\n";
    }
  }
}

}  // namespace

void AddPredictCommand(CLI::App& app) {
  auto args = std::make_shared<PredictArgs>();
  CLI::App* cmd = app.add_subcommand(
      "predict",
      "Predict the classes of sound files with one bundle or an ensemble.\n"
      "  earshot predict runs/kws/model/best.bundle clips/ --top-k 3 --format csv");
  cmd->add_option("bundles_and_inputs", args->positional,
                  "model bundles (*.bundle), then audio files, folders or list files");
  cmd->add_option("--predictions", args->predictions,
                  "saved prediction sets (.csv id,<class...> or .npy) to ensemble (repeatable)");
  cmd->add_option("--top-k", args->top_k, "labels per file (csv, json)")->capture_default_str();
  cmd->add_option("--format", args->format, "csv | json | freesound | dacon | npy")->capture_default_str();
  cmd->add_option("--out", args->out, "output file (default stdout; required for npy)");
  cmd->add_option("--template", args->template_csv, "dacon: submission.csv giving the ids and column order");
  cmd->add_option("--combine", args->combine, "several models: mean | geometric")->capture_default_str();
  cmd->add_option("--window-combine", args->predictor.window_combine,
                  "long clips: mean | max of the window probabilities")
      ->capture_default_str();
  cmd->add_option("--hop", args->predictor.hop_seconds,
                  "long clips: seconds between windows; -1: the recipe's loader.clip.hop_seconds");
  cmd->add_option("--batch-size", args->predictor.batch_size, "windows per forward pass")
      ->capture_default_str();
  cmd->add_option("--on-bad-file", args->on_bad_file,
                  "skip (leave out unreadable files, list them on stderr and in --format json) | fail")
      ->capture_default_str();
  cmd->callback([args] { Run(*args); });
}

}  // namespace earshot::cli
