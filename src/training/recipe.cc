#include "earshot/training/recipe.h"

#include <algorithm>
#include <thread>

#include "earshot/data/corruption.h"
#include "earshot/util/error.h"
#include "earshot/util/files.h"
#include "earshot/util/toml_table.h"
#include "earshot/util/option_checks.h"

namespace earshot {

void TrainOptions::Visit(OptionVisitor& v) {
  v.Field("epochs", epochs, "passes over the training clips");
  v.Field("threads", threads, "LibTorch compute threads; 0 = all cores but one");
  v.Field("seed", seed, "model initialisation and dropout");
  v.Field("seeds", seeds, "models trained from seeds seed, seed+1, ...");
  v.Field("all_folds", all_folds, "with data.split = kfold: train a model per fold");
  v.Field("normalize", normalize, "none | global | per_position");
  v.Field("reload_best", reload_best, "evaluate and export the best checkpoint");
  v.Field("ensemble", ensemble, "mean | geometric: combining several models");
  v.Field("device", device, "cpu | cuda: where the model trains");
  v.Field("robustness", robustness,
          "corruptions for a robustness table of the test split after training, e.g. "
          "'noise:snr=10;telephone' (docs/robustness.md); empty: none");
  v.Group("loss", loss, "loss function");
  v.Group("optimizer", optimizer, "optimiser");
  v.Group("schedule", schedule, "learning-rate schedule");
  v.Group("early_stopping", early_stopping, "early stopping");
  v.Group("checkpoint", checkpoint, "which checkpoint is the best");
}

int TrainOptions::ComputeThreads() const {
  if (threads > 0) return threads;
  const int cores = static_cast<int>(std::thread::hardware_concurrency());
  return std::max(1, cores - 1);
}

void TrainOptions::Validate() const {
  using namespace option_checks;
  AtLeast("epochs", epochs, 1);
  InRange("threads", threads, 0, 256);  // 0: all cores but one
  AtLeast("seeds", seeds, 1);
  OneOf("normalize", normalize, {"none", "global", "per_position"});
  OneOf("ensemble", ensemble, {"mean", "geometric"});
  OneOf("device", device, {"cpu", "cuda"});
  if (!robustness.empty()) ParseCorruptions(robustness, "--robustness");
  if (schedule.name == "cosine" && epochs <= schedule.warmup_epochs) {
    ThrowOption("--epochs (" + Str(epochs) + ") should be more than --schedule.warmup_epochs (" +
                Str(schedule.warmup_epochs) + ") with --schedule.name=cosine");
  }
  ValidateGroup(loss, "loss");
  ValidateGroup(optimizer, "optimizer");
  ValidateGroup(schedule, "schedule");
  ValidateGroup(early_stopping, "early_stopping");
  ValidateGroup(checkpoint, "checkpoint");
}

void RecipeOptions::Visit(OptionVisitor& v) {
  v.Field("version", version, "recipe format version (this build reads 1)");
  v.Field("name", name, "names the run");
  v.Field("description", description, "one line for reports");
  v.Field("task", task, "single_label | soft_label");
  v.Group("data", data, "where the clips are, labels, splits");
  v.Group("store", store, "decoding into memory, bad files");
  v.Group("loader", loader, "batches, clip length, augmentation");
  v.Group("features", features, "the feature front end");
  v.Group("model", model, "the classifier");
  v.Group("train", train, "the training rules");
}

void RecipeOptions::Validate() const {
  if (version < 1 || version > kRecipeVersion) {
    ThrowOption("--version=" + std::to_string(version) + ": this earshot reads recipe versions 1 to " +
                std::to_string(kRecipeVersion));
  }
  if (name.empty()) ThrowOption("--name should not be empty");
  option_checks::OneOf("task", task, {"single_label", "soft_label"});
  ValidateGroup(data, "data");
  ValidateGroup(store, "store");
  ValidateGroup(loader, "loader");
  ValidateGroup(features, "features");
  ValidateGroup(model, "model");
  ValidateGroup(train, "train");
  if (task == "soft_label" && train.loss.name == "bce") {
    ThrowOption("--train.loss.name=bce is for multi-label targets; task soft_label trains "
                "with kl_div or cross_entropy");
  }
  if (task == "single_label" && train.loss.name == "kl_div") {
    ThrowOption("--train.loss.name=kl_div needs soft labels (task = soft_label); single_label "
                "trains with cross_entropy");
  }
  if (train.all_folds && data.split != "kfold") {
    ThrowOption("--train.all_folds needs --data.split=kfold. Given split: '" + data.split + "'");
  }
}

RecipeOptions LoadRecipe(const std::string& path, const std::vector<std::string>& settings) {
  RecipeOptions r;
  // A newer recipe may hold keys this build does not know: its version is
  // checked first, so that the error says why.
  const int64_t version = TomlInt(ReadFile(path), "version", kRecipeVersion, path);
  if (version > kRecipeVersion) {
    ThrowMismatch(path + ": recipe version " + std::to_string(version) + " is newer than this earshot reads (" +
                  std::to_string(kRecipeVersion) + "); train it with a newer earshot");
  }
  LoadTomlFile(r, path);
  ApplySettings(r, settings);
  r.Validate();
  // Paths are given relative to the working directory; the run records them
  // absolute, so --resume, eval and report work from any directory.
  r.data.root = AbsolutePath(r.data.root);
  r.data.split_file = AbsolutePath(r.data.split_file);
  return r;
}

}  // namespace earshot
