// `earshot train RECIPE`: a recipe in, bundles, logs, curves and metrics out.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "commands.h"
#include "launch_workers.h"
#include "option_flags.h"
#include "earshot/inference/bundle_eval.h"
#include "earshot/report/run_report.h"
#include "earshot/training/distributed.h"
#include "earshot/training/trainer.h"
#include "earshot/util/error.h"
#include "earshot/util/files.h"
#include "earshot/util/progress.h"

namespace earshot::cli {
namespace {

struct TrainArgs {
  std::string recipe;
  std::vector<std::string> sets;
  std::string out;
  std::string resume;
  bool print = false;
  bool no_report = false;
  std::string on_bad_file;
  DistributedOptions dist;
};

// Ctrl-C during training. Every file of a run is written atomically (a
// temporary file renamed into place), so the process may stop at any point:
// the checkpoint of the last completed epoch stays whole. The handler only
// says how to go on and exits; it uses async-signal-safe calls alone, on
// text prepared before training starts.
char interrupt_recipe[4096];
char interrupt_resume[4400];
char interrupt_plain[] = "\ninterrupted before the run folder was written\n";

extern "C" void OnInterrupt(int) {
  const bool run = ::access(interrupt_recipe, F_OK) == 0;
  const char* text = run ? interrupt_resume : interrupt_plain;
  ssize_t ignored = ::write(STDERR_FILENO, text, std::strlen(text));
  (void)ignored;
  ::_exit(130);
}

// Installs OnInterrupt for the run in `out` until destroyed.
class InterruptHint {
 public:
  explicit InterruptHint(const std::string& out) {
    std::snprintf(interrupt_recipe, sizeof interrupt_recipe, "%s/recipe.toml", out.c_str());
    std::snprintf(interrupt_resume, sizeof interrupt_resume,
                  "\ninterrupted; the last completed epoch is kept\nresume with: earshot train --resume %s\n",
                  out.c_str());
    struct sigaction action {};
    action.sa_handler = OnInterrupt;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGINT, &action, &previous_);
  }
  ~InterruptHint() { ::sigaction(SIGINT, &previous_, nullptr); }
  InterruptHint(const InterruptHint&) = delete;
  InterruptHint& operator=(const InterruptHint&) = delete;

 private:
  struct sigaction previous_ {};
};

void PrintOutcome(const TrainArgs& a, const RecipeOptions& recipe, const std::string& out, const TrainSummary& s);

void Run(const TrainArgs& a) {
  std::string path = a.recipe;
  std::string out = a.out;
  if (!a.resume.empty()) {
    if (!a.recipe.empty()) ThrowOption("--resume RUN takes the recipe from RUN/recipe.toml; give no RECIPE");
    path = a.resume + "/recipe.toml";
    if (!FileExists(path)) ThrowIo(a.resume + ": not a training run (no recipe.toml)");
    out = a.resume;
  }
  if (path.empty()) ThrowOption("give a RECIPE (configs/*.toml) or --resume RUN");
  std::vector<std::string> sets = a.sets;
  if (!a.on_bad_file.empty()) sets.push_back("store.on_bad_file=" + a.on_bad_file);
  RecipeOptions recipe = LoadRecipe(path, sets);
  if (a.print) {
    std::cout << ToToml(recipe);
    return;
  }
  if (out.empty()) out = "runs/" + recipe.name;
  if (a.dist.nproc > 1) {
    // This process only starts the ranks and waits for them.
    LaunchLocalWorkers(a.dist.nproc, 5.0);
    return;
  }
  std::unique_ptr<Communicator> group;
  if (a.dist.Distributed()) group = Communicator::Join(a.dist);
  SetComputeThreads(recipe.train.ComputeThreads());
  TrainSummary s;
  if (!group || group->rank() == 0) {
    InterruptHint hint(out);
    s = TrainRecipe(recipe, out, !a.resume.empty(), nullptr, group.get(), a.dist.parallel_jobs);
  } else {
    // The other ranks write nothing and say nothing unless they fail.
    TrainRecipe(recipe, out, !a.resume.empty(), nullptr, group.get(), a.dist.parallel_jobs);
    return;
  }
  PrintOutcome(a, recipe, out, s);
}

// train.robustness: each model's best bundle on the test split, clean and
// corrupted, into MODEL/robustness/ (what `eval --corrupt --out` writes),
// one line each. Like the report, a view of the run: a failure leaves the
// run intact and is a warning.
void WriteRobustness(const RecipeOptions& recipe, const TrainSummary& s) {
  for (const auto& m : s.models) {
    if (m.test_metrics_json.empty() || !FileExists(m.best_bundle)) continue;
    try {
      BundleEvalOptions o;
      o.split = "test";
      o.corrupt = {recipe.train.robustness};
      const BundleEval r = EvaluateBundles({m.best_bundle}, recipe.data.root, o);
      WriteEvalOutputs(r, m.dir + "/robustness");
      std::ostringstream line;
      line << std::fixed << std::setprecision(3) << "robustness (test split, " << r.robustness_metric
           << "): clean " << r.robustness_clean;
      for (const auto& row : r.robustness) line << ", " << row.corruption << " " << row.metric;
      std::cout << line.str() << "  (" << m.dir << "/robustness)\n";
    } catch (const Error& e) {
      std::cerr << "warning: no robustness table for " << m.dir << ": " << e.what() << "\n";
    }
  }
}

// What the only process, or rank 0, prints at the end.
void PrintOutcome(const TrainArgs& a, const RecipeOptions& recipe, const std::string& out, const TrainSummary& s) {
  bool trained = false;
  for (const auto& m : s.models) trained = trained || !m.epoch_clips_per_second.empty();
  if (trained) {
    std::cout << "trained " << s.models.size() << " model(s) in " << FormatDuration(s.seconds) << " ("
              << static_cast<int64_t>(s.train_clips_per_second) << " training clips/s)\n";
  } else {
    std::cout << "nothing was left to train: every model had finished its " << recipe.train.epochs
              << " epochs or stopped early; metrics written again in " << FormatDuration(s.seconds) << "\n";
  }
  for (const auto& m : s.models) {
    std::cout << "  " << m.best_bundle << "  (best epoch " << m.best_epoch + 1 << " of " << m.epochs_run
              << ")\n";
  }
  std::cout << "run: " << out << " (summary.json, log.csv, curves_*.png, metrics_*.json)\n";
  if (!recipe.train.robustness.empty()) WriteRobustness(recipe, s);
  if (!a.no_report) {
    // The page is a view of the run: a failure to draw it leaves the run intact.
    try {
      std::cout << "report: " << report::WriteRunReport(out, report::ReportOptions{}) << "\n";
    } catch (const Error& e) {
      std::cerr << "warning: no report: " << e.what() << "\n";
    }
  }
}

}  // namespace

void AddTrainCommand(CLI::App& app) {
  auto args = std::make_shared<TrainArgs>();
  CLI::App* cmd = app.add_subcommand(
      "train",
      "Train the models of a recipe.\n"
      "  earshot train configs/kws-dscnn.toml --set train.epochs=5 --out runs/kws");
  cmd->add_option("recipe", args->recipe, "recipe (TOML)");
  cmd->add_option("--set", args->sets, "override a recipe field: section.key=value (repeatable)");
  cmd->add_option("--out", args->out, "run directory (default runs/<recipe name>)");
  cmd->add_option("--resume", args->resume, "continue the run in this directory from its last completed epoch");
  cmd->add_flag("--print-recipe", args->print, "print the resolved recipe and exit");
  cmd->add_flag("--no-report", args->no_report, "do not write RUN/report.html at the end");
  cmd->add_option("--on-bad-file", args->on_bad_file,
                  "skip (default: skip and report; fail above store.max_bad_fraction) | fail; "
                  "the same as --set store.on_bad_file=...");
  FlagRules rules;
  const OptionFlags flags = AddOptionFlags(cmd, args->dist, rules);
  cmd->callback([cmd, args, flags] {
    flags.Naming([&] {
      std::vector<std::string> given;
      for (const char* key : {"world_size", "rank", "master"}) {
        if (cmd->count("--" + KebabCase(key)) > 0) given.push_back(key);
      }
      ReadTorchrunEnvironment(args->dist, given);
      args->dist.Validate();
    });
    Run(*args);
  });
}

}  // namespace earshot::cli
