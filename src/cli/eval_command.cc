// `earshot eval BUNDLE... DATA`: a trained model on a labelled data set,
// metrics as JSON on stdout.
#include <iostream>

#include "commands.h"
#include "earshot/inference/bundle_eval.h"
#include "earshot/util/error.h"

namespace earshot::cli {
namespace {

struct EvalArgs {
  std::vector<std::string> positional;  // BUNDLE... DATA
  BundleEvalOptions options;
  std::string out;
};

void Run(EvalArgs& a) {
  if (a.positional.size() < 2) ThrowOption("eval needs a BUNDLE and a DATA folder (earshot eval BUNDLE DATA)");
  const std::string data = a.positional.back();
  const std::vector<std::string> bundles(a.positional.begin(), a.positional.end() - 1);
  const BundleEval r = EvaluateBundles(bundles, data, a.options);
  if (!r.skipped.bad.empty()) std::cerr << "skipped: " << r.skipped.Summary();
  std::cout << r.ToJson() << "\n";
  if (!a.out.empty()) {
    WriteEvalOutputs(r, a.out);
    std::cerr << "wrote " << a.out << "/metrics.json, predictions.csv"
              << (r.report.confusion.empty() ? "" : ", confusion.png, class_recall.png")
              << (r.robustness.empty() ? "" : ", robustness.csv, robustness.png") << "\n";
  }
}

}  // namespace

void AddEvalCommand(CLI::App& app) {
  auto args = std::make_shared<EvalArgs>();
  CLI::App* cmd = app.add_subcommand(
      "eval",
      "Evaluate model bundles on a labelled data set; metrics as JSON on stdout.\n"
      "  earshot eval runs/kws/model/best.bundle data/kws --split test --out runs/kws/eval\n"
      "  earshot eval runs/kws/model/best.bundle data/kws --corrupt 'noise:snr=10;telephone'");
  cmd->add_option("bundle_and_data", args->positional,
                  "one or more model bundles, then the data folder (or .npz / manifest)")
      ->required();
  cmd->add_option("--set", args->options.settings,
                  "override a data option of the bundle's recipe: data.key=value (repeatable)");
  cmd->add_option("--split", args->options.split, "test | validation | train | all")
      ->capture_default_str();
  cmd->add_option("--top-k", args->options.top_k, "top-k accuracies to report")
      ->capture_default_str();
  cmd->add_option("--combine", args->options.combine, "several bundles: mean | geometric")
      ->capture_default_str();
  cmd->add_option("--window-combine", args->options.predictor.window_combine,
                  "long clips: mean | max of the window probabilities")
      ->capture_default_str();
  cmd->add_option("--hop", args->options.predictor.hop_seconds,
                  "long clips: seconds between windows; -1: the recipe's loader.clip.hop_seconds");
  cmd->add_option("--batch-size", args->options.predictor.batch_size, "windows per forward pass")
      ->capture_default_str();
  cmd->add_option("--on-bad-file", args->options.on_bad_file,
                  "skip (leave out unreadable files, list them on stderr and under \"skipped\") | fail")
      ->capture_default_str();
  cmd->add_option("--corrupt", args->options.corrupt,
                  "robustness table: the split again under each corruption, e.g.\n"
                  "'noise:snr=0,10,20;reverb:rt60=0.6;telephone;pitch:semitones=3' (docs/robustness.md)");
  cmd->add_option("--out", args->out,
                  "also write metrics.json, predictions.csv, confusion.png, class_recall.png here");
  cmd->callback([args] { Run(*args); });
}

}  // namespace earshot::cli
