// The batch loader's settings: batch size, threads, seed, and the clip and
// augmentation groups ([loader.clip], [loader.augment] in a recipe).
//
//   LoaderOptions o;
//   SetOption(o, "batch_size", "16");
//   SetOption(o, "augment.noise", "true");
#pragma once

#include "earshot/data/augment_options.h"
#include "earshot/data/clip_options.h"
#include "earshot/util/options.h"

namespace earshot {

struct LoaderOptions : Options {
  int batch_size = 32;          // examples per batch
  int threads = 2;              // worker threads assembling batches; never more are started
  int prefetch = 4;             // batches assembled ahead of the trainer (bounded queue)
  int seed = 0;                 // epoch order and every random draw derive from it
  bool shuffle = true;          // training: a new order each epoch
  bool drop_last = false;       // training: leave out a final partial batch; when false
                                // every clip is used every epoch, and a lone last
                                // example joins the batch before it (never a batch of one)
  double silence_volume = 1.0;  // silence clips: noise at volume U(0, this), as TF speech_commands
  ClipOptions clip;             // length and pad/crop policy
  AugmentOptions augment;       // training-time augmentation

  void Visit(OptionVisitor& v) override;
  void Validate() const override;
};

}  // namespace earshot
