// A recipe is the whole experiment: data, clips and augmentation, features,
// model, training rules, folds and seeds. One TOML file per recipe
// (configs/), any field overridable with `--set section.key=value`.
//
//   RecipeOptions r;
//   LoadTomlFile(r, "configs/kws-dscnn.toml");
//   ApplySetting(r, "train.epochs=5");
//   r.Validate();
#pragma once

#include <string>

#include "earshot/data/data_options.h"
#include "earshot/data/loader_options.h"
#include "earshot/data/store_options.h"
#include "earshot/features/frontend_options.h"
#include "earshot/models/model_options.h"
#include "earshot/training/early_stopping_options.h"
#include "earshot/training/loss_options.h"
#include "earshot/training/optimizer_options.h"
#include "earshot/training/schedule_options.h"
#include "earshot/util/options.h"

namespace earshot {

struct TrainOptions : Options {
  int epochs = 30;                  // passes over the training clips
  int threads = 0;                  // LibTorch compute threads; 0 = all cores but one (at least 1)
  int seed = 1;                     // model initialisation and dropout
  int seeds = 1;                    // models trained from seeds seed, seed+1, ... (seed 002: 15)
  bool all_folds = false;           // with data.split = kfold: a model per fold (seed 003)
  std::string normalize = "none";   // none | global | per_position: feature standardisation fitted on the training clips
  bool reload_best = true;          // evaluate and export the best checkpoint, not the last
  std::string ensemble = "mean";    // mean | geometric: how several models' predictions combine
  std::string device = "cpu";       // cpu | cuda: where the model trains (cuda needs a LibTorch with it)
  // Corruptions (data/corruption.h, "noise:snr=10;telephone") under which
  // `earshot train` evaluates each model's best bundle on the test split
  // at the end: MODEL/robustness/ (as `eval --corrupt --out`) and the
  // report's robustness table. Empty: none.
  std::string robustness;
  LossOptions loss;
  OptimizerOptions optimizer;
  ScheduleOptions schedule;
  EarlyStoppingOptions early_stopping;
  CheckpointOptions checkpoint;

  void Visit(OptionVisitor& v) override;
  void Validate() const override;
  // `threads`, with 0 resolved on this machine: the loader keeps a core.
  int ComputeThreads() const;
};

// The recipe format this build reads and writes (RecipeOptions::version).
constexpr int kRecipeVersion = 1;

struct RecipeOptions : Options {
  int version = kRecipeVersion;     // recipe format; a newer one than this build's is refused
  std::string name = "recipe";      // names the run
  std::string description;          // one line for reports
  std::string task = "single_label";  // single_label | soft_label
  DataOptions data;
  StoreOptions store;
  LoaderOptions loader;
  FrontEndOptions features;
  ModelOptions model;
  TrainOptions train;

  void Visit(OptionVisitor& v) override;
  // Validates every part and how they fit (a KL loss needs soft labels...).
  void Validate() const override;
};

// Reads a recipe file and applies `--set` overrides, then validates. A file
// whose `version` is newer than kRecipeVersion is refused before its keys
// are read, naming the file, its version and the one this build reads.
RecipeOptions LoadRecipe(const std::string& path, const std::vector<std::string>& settings);

}  // namespace earshot
