#include "earshot/data/loader_options.h"

#include "earshot/util/option_checks.h"

namespace earshot {

void LoaderOptions::Visit(OptionVisitor& v) {
  v.Field("batch_size", batch_size, "examples per batch");
  v.Field("threads", threads, "worker threads assembling batches");
  v.Field("prefetch", prefetch, "batches assembled ahead of the trainer");
  v.Field("seed", seed, "seed of the epoch order and of every random draw");
  v.Field("shuffle", shuffle, "training: a new order each epoch");
  v.Field("drop_last", drop_last,
          "training: leave out a final partial batch (false: keep it; a lone last example "
          "joins the batch before it)");
  v.Field("silence_volume", silence_volume, "silence clips: noise at volume U(0, this)");
  v.Group("clip", clip, "clip length and pad/crop policy");
  v.Group("augment", augment, "training-time augmentation");
}

void LoaderOptions::Validate() const {
  using namespace option_checks;
  InRange("batch_size", batch_size, 1, 1 << 20);
  InRange("threads", threads, 1, 256);
  InRange("prefetch", prefetch, 1, 1024);
  AtLeast("seed", seed, 0);
  InRange("silence_volume", silence_volume, 0.0, 1.0);
  ValidateGroup(clip, "clip");
  ValidateGroup(augment, "augment");
}

}  // namespace earshot
