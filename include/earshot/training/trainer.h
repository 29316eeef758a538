// Trains the models of a recipe: one, one per fold (k-fold), or one per seed,
// each with its logs, curves, checkpoints and bundle, then their ensemble.
//
//   RecipeOptions r = LoadRecipe("configs/kws-dscnn.toml", {"train.epochs=5"});
//   SetComputeThreads(r.train.ComputeThreads());  // the program's choice
//   TrainSummary s = TrainRecipe(r, "runs/kws", /*resume=*/false);
//   // s.models[0].best_bundle == "runs/kws/model/best.bundle"
//
// Run directory: recipe.toml, data.json, summary.json, and per model a
// folder (model | fold-K | seed-S | fold-K-seed-S) with split.csv,
// log.csv, log.jsonl, curves_*.png, best.bundle, last.bundle, checkpoint
// (for --resume), metrics_{validation,test}.json and the predictions.
//
// Each model goes through the same steps: its loaders (and feature
// normalisation), its model and optimiser, the checkpoint it resumes from,
// then per epoch training, validation, the epoch's verdict (schedule, log,
// best epoch, early stopping) and its checkpoint, and at the end its curves,
// summary and exported metrics. A TrainingObserver (training_observer.h)
// is told of each; by default ConsoleTrainingObserver shows them on stderr.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "earshot/training/recipe.h"
#include "earshot/training/training_observer.h"

namespace earshot {

class Communicator;

struct ModelRunSummary {
  std::string dir;
  std::string best_bundle;
  int epochs_run = 0;
  int best_epoch = -1;                       // 0-based
  std::map<std::string, double> best_metrics;  // the epoch log row of best_epoch
  std::string validation_metrics_json;       // with the exported weights; "" if no validation clips
  std::string test_metrics_json;             // "" if no test clips
  // Clips per second of the training loop of each epoch this process ran (a
  // resumed run lists its own epochs only); the first includes warm-up.
  std::vector<double> epoch_clips_per_second;
};

struct TrainSummary {
  std::string dir;
  std::vector<ModelRunSummary> models;
  std::string ensemble_test_metrics_json;    // several models and test clips, else ""
  double seconds = 0.0;
  double train_clips_per_second = 0.0;       // training steps only, data pipeline included
};

// LibTorch's compute threads for the whole process (torch::set_num_threads).
// Process-wide settings are the program's: the library never changes them
// behind its caller's back. `earshot train` calls this with the recipe's
// train.threads resolved (TrainOptions::ComputeThreads) before TrainRecipe,
// and KeepFreedMemoryForReuse (util/allocator.h) in main.
void SetComputeThreads(int threads);
// The count set last (LibTorch's intra-op threads).
int ComputeThreads();

// Trains with the LibTorch threads the caller has set (SetComputeThreads;
// each bundle records the count); the loader takes the cores that
// train.threads leaves over. With `resume`, the recipe is the one in
// out_dir/recipe.toml (plus the given overrides, e.g. more epochs) and
// every model continues from its last completed epoch; finished models are
// not trained again.
TrainSummary TrainRecipe(const RecipeOptions& recipe, const std::string& out_dir, bool resume);

// The same, telling `observer` of each step instead of printing (nullptr:
// ConsoleTrainingObserver, what the overload above does). The observer only
// watches: the run's files and numbers are the same whatever it is.
TrainSummary TrainRecipe(const RecipeOptions& recipe, const std::string& out_dir, bool resume,
                         TrainingObserver* observer);

// The same as one rank of a data-parallel job (distributed.h; nullptr: this
// process alone, the overloads above). Every rank calls it with the same
// recipe. The recipe's batch is the global one: each rank trains on its
// share of every batch, gradients are averaged over all of them, batch-norm
// statistics averaged before each evaluation and checkpoint, and the
// validation and test clips split into blocks whose outputs every rank
// gathers. Rank 0 alone writes the run's files and tells `observer`; the
// others' summaries hold the same numbers. `--resume` reads the run folder
// on every rank (a shared file system across hosts), with any number of
// ranks. With `parallel_jobs`, the ranks instead train whole models of a
// k-fold or N-seed recipe, rank r the models r, r + W, ..., each alone into
// its own folder (one file system for all), and rank 0 then combines them.
TrainSummary TrainRecipe(const RecipeOptions& recipe, const std::string& out_dir, bool resume,
                         TrainingObserver* observer, Communicator* group, bool parallel_jobs = false);

}  // namespace earshot
