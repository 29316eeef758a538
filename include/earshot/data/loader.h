// Batches for the trainer, assembled ahead of it by worker threads from the
// clip store:
//   store row -> speed -> tempo -> pitch -> VTLP -> length policy -> shift
//   -> reverberation -> gain -> noise (volume or SNR) -> babble -> equaliser
//   and high-pass -> telephone -> distortion -> clip to [-1, 1] (or to the
//   clip's own peak when it is above full scale)
//   -> FrontEnd::Compute -> normalisation -> SpecAugment -> batch -> mixup
//
//   BatchLoader train(ds, loaded, train_indices, frontend, options, BatchLoader::Mode::kTrain);
//   train.SetNorm(FitFeatureNorm(eval_loader_on_train_indices, "global"));
//   for (int epoch = 0; epoch < epochs; ++epoch) {
//     train.Start(epoch);
//     while (auto batch = train.Next()) step(batch->features, batch->targets);
//   }
//
// Every random draw of an example comes from (seed, epoch, clip index) and
// every draw of a batch from (seed, epoch, batch index), so the batches are
// the same for any thread count. The Dataset, LoadedClips and FrontEnd must
// outlive the loader.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "earshot/data/dataset.h"
#include "earshot/data/feature_norm.h"
#include "earshot/data/load_clips.h"
#include "earshot/data/loader_options.h"
#include "earshot/features/frontend.h"

namespace earshot {

struct Batch {
  int64_t index = 0;             // batch number within the epoch
  int64_t size = 0;              // examples; the last batch may be short, or in
                                 // training one longer (see LoaderOptions::drop_last)
  std::vector<int64_t> shape;    // one example's feature shape (FrontEnd::OutputShape)
  std::vector<float> features;   // size x prod(shape), row-major
  std::vector<float> targets;    // size x classes: one-hot, the soft distribution, or mixed by mixup
  std::vector<int> labels;       // size: class index, -1 when soft-labelled or unlabelled
  std::vector<int64_t> clips;    // size: index into Dataset::clips
};

// Clips a loader leaves out, and why; LoadClips names the bad files.
struct Exclusions {
  int64_t bad_files = 0;     // not readable
  int64_t wrong_length = 0;  // pad_crop = drop and not exactly the clip length
  std::string Summary() const;
};

class BatchLoader {
 public:
  // kTrain: shuffled, augmented, length policy as configured.
  // kEval: dataset order, no augmentation, centre policy (drop still
  // drops), every example including a final partial batch.
  enum class Mode { kTrain, kEval };

  BatchLoader(const Dataset& dataset, const LoadedClips& loaded, std::vector<int64_t> clip_indices,
              const FrontEnd& frontend, const LoaderOptions& options, Mode mode);
  ~BatchLoader();
  BatchLoader(const BatchLoader&) = delete;
  BatchLoader& operator=(const BatchLoader&) = delete;

  int64_t NumExamples() const;
  int64_t NumBatches() const;
  int64_t NumClasses() const;
  std::vector<int64_t> ExampleShape() const;
  const Exclusions& excluded() const;
  Mode mode() const;

  // Normalisation applied to each example's features; its size must fit.
  void SetNorm(const FeatureNorm& norm);
  const FeatureNorm& norm() const;

  // Each batch holds only share `part` of `parts` of its examples (a
  // contiguous slice, the first parts one shorter when the batch does not
  // divide; it may be empty): data-parallel ranks each take theirs of the
  // same batches. The batch count, order and every example's draws stay as
  // without it; mixup pairs examples within the share.
  void Shard(int part, int parts);

  // Starts assembling the batches of `epoch`, ending any epoch in progress.
  void Start(int epoch);
  // The next batch in order; nullopt at the end of the epoch. Rethrows a
  // worker's error.
  std::optional<Batch> Next();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Dataset clip `clip`, a silence clip (LoadedClips::kSilence), as an
// evaluation-mode loader with `options` makes it: background noise from
// `noise` at a random volume drawn from (options.seed, clip), or zeros when
// there is no noise; options.clip's length at the noise store's rate. `eval`
// and the trainer's validation and test loaders hear the same silence.
std::vector<float> SilenceClip(const LoaderOptions& options, const ClipStore& noise, int64_t clip);

// One pass over an evaluation-mode loader that does not normalise yet (the
// training clips, no augmentation): mode global | per_position.
FeatureNorm FitFeatureNorm(BatchLoader& loader, const std::string& mode);

}  // namespace earshot
