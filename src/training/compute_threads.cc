#include <torch/torch.h>

#include "earshot/training/trainer.h"
#include "earshot/util/error.h"

namespace earshot {

void SetComputeThreads(int threads) {
  if (threads < 1) ThrowOption("compute threads: " + std::to_string(threads) + " should be at least 1");
  torch::set_num_threads(threads);
}

int ComputeThreads() { return torch::get_num_threads(); }

}  // namespace earshot
