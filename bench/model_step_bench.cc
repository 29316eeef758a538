// Cost of training on one LibTorch thread (docs/benchmarks.md, "Training
// throughput"):
// - BatchNormRelu/*: batch norm + ReLU forward and backward on a DS-CNN-S
//   activation [64, 64, 5, 25] (and a larger [64, 32, 40, 50]), the fused
//   kernel against LibTorch's BatchNorm2d and relu;
// - Step/*: one training step (forward, loss, backward, optimiser step) of
//   the recipes' models, batch 64. Each reads its recipe from configs/, so
//   the input shape, model and optimiser are the recipe's; the features are
//   random (a step's cost does not depend on them).
//
//   build/bench/bench_model_step [--benchmark_filter=ds_cnn]   (run from the repository root)
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include <torch/torch.h>

#include "earshot/features/frontend.h"
#include "earshot/models/zoo.h"
#include "earshot/training/loss.h"
#include "earshot/training/optimizer.h"
#include "earshot/training/recipe.h"
#include "earshot/util/allocator.h"
#include "models/batch_norm_relu.h"

namespace earshot {
namespace {

constexpr int64_t kBatch = 64;

// range(0): 1 = the fused kernel, 0 = LibTorch's ops; range(1..4): the shape.
void BatchNormReluStep(benchmark::State& state) {
  torch::set_num_threads(1);
  const bool fused = state.range(0) != 0;
  torch::manual_seed(1);
  models::BatchNormRelu2d fused_norm(state.range(2));
  torch::nn::BatchNorm2d norm(state.range(2));
  const auto x = torch::randn({state.range(1), state.range(2), state.range(3), state.range(4)})
                     .requires_grad_();
  const auto grad = torch::randn_like(x);
  for (auto _ : state) {
    const auto y = fused ? fused_norm(x) : torch::relu(norm(x));
    y.backward(grad);
    benchmark::DoNotOptimize(x.grad().data_ptr<float>());
  }
  state.SetLabel(fused ? "fused" : "libtorch");
}
BENCHMARK(BatchNormReluStep)
    ->ArgNames({"fused", "n", "c", "h", "w"})
    ->Args({0, 64, 64, 5, 25})
    ->Args({1, 64, 64, 5, 25})
    ->Args({0, 64, 32, 40, 50})
    ->Args({1, 64, 32, 40, 50})
    ->Unit(benchmark::kMicrosecond)
    ->MeasureProcessCPUTime();

void TrainStep(benchmark::State& state, const std::string& recipe,
               const std::vector<std::string>& settings) {
  torch::set_num_threads(1);
  const RecipeOptions r = LoadRecipe(recipe, settings);
  const FrontEnd fe(r.features);
  const auto example = fe.OutputShape(r.loader.clip.Length(r.features.sample_rate));
  const int classes = 12;
  torch::manual_seed(1);
  auto model = BuildModel(r.model, example, classes);
  auto optimizer = MakeOptimizer(r.train.optimizer, model->parameters());
  std::vector<int64_t> shape{kBatch};
  shape.insert(shape.end(), example.begin(), example.end());
  const auto x = torch::randn(shape);
  const auto targets =
      torch::one_hot(torch::randint(classes, {kBatch}, torch::kLong), classes).to(torch::kFloat32);
  model->train();
  auto step = [&] {
    optimizer->zero_grad();
    const auto loss = ComputeLoss(r.train.loss, model->forward(x), targets);
    loss.backward();
    optimizer->step();
    benchmark::DoNotOptimize(loss.item<float>());
  };
  for (int i = 0; i < 3; ++i) step();  // oneDNN builds its kernels on first use
  for (auto _ : state) step();
  state.SetItemsProcessed(state.iterations() * kBatch);
}

void RegisterAll() {
  struct Case {
    const char* name;
    const char* recipe;
    std::vector<std::string> settings;
  };
  const std::vector<Case> cases = {
      {"ds_cnn_s/mfcc10", "configs/kws-dscnn.toml", {"features.feature=mfcc", "features.n_mfcc=10"}},
      {"ds_cnn_s/logmel40", "configs/kws-dscnn.toml", {}},
      {"bc_resnet_1/logmel40", "configs/kws-dscnn.toml", {"model.name=bc_resnet"}},
      {"seed001_cnn", "configs/seed001-spectrogram-cnn.toml", {}},
      {"seed003_mfcc_cnn", "configs/seed003-mfcc-cnn.toml", {}},
      {"seed004_cnn", "configs/seed004-logspec-cnn.toml", {}},
  };
  for (const auto& c : cases) {
    benchmark::RegisterBenchmark((std::string("Step/") + c.name).c_str(), [c](benchmark::State& s) { TrainStep(s, c.recipe, c.settings); })
        ->Unit(benchmark::kMillisecond)
        ->MeasureProcessCPUTime();
  }
}

}  // namespace
}  // namespace earshot

int main(int argc, char** argv) {
  earshot::KeepFreedMemoryForReuse();  // as earshot train does
  benchmark::Initialize(&argc, argv);
  earshot::RegisterAll();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
