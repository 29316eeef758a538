#include <dlfcn.h>

#include <torch/torch.h>

#include "earshot/training/trainer.h"
#include "earshot/util/error.h"

namespace earshot {

void SetComputeThreads(int threads) {
  if (threads < 1) ThrowOption("compute threads: " + std::to_string(threads) + " should be at least 1");
  torch::set_num_threads(threads);
  // Debian's LibTorch does its matrix products (the 1x1 convolutions,
  // linear layers) in OpenBLAS, whose own thread pool ignores
  // set_num_threads: it would run one thread per core, spinning in
  // sched_yield between products (half the CPU time of one clip's
  // prediction on one thread, docs/benchmarks.md). Found at run time, so
  // another BLAS under LibTorch is left alone.
  using SetThreads = void (*)(int);
  if (auto* set_blas = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) {
    set_blas(threads);
  }
}

int ComputeThreads() { return torch::get_num_threads(); }

}  // namespace earshot
