// Latency of one clip in process through the library's facade
// (earshot/earshot.h), on one LibTorch thread (docs/benchmarks.md,
// "Library: one clip in process"):
// - Facade/ClassifyFile: decode a one-second 16 kHz WAV, the front end
//   (40 log-mels x 49 frames), the normalisation and DS-CNN-S, 12 labels;
// - Facade/ClassifySamples: the same without the decoding;
// - Facade/DecodeFile: the decoding alone;
// - Model/Forward: DS-CNN-S's forward pass alone on batches of 1 and 32
//   windows, as loaded and as prepared for inference (batch norms folded);
// - Model/ForwardPass: the probabilities of such a batch as the predictor
//   and the detector compute them (inference/forward_pass.h), on XNNPACK
//   (xnnpack:1) or LibTorch (xnnpack:0, EARSHOT_FORWARD=torch).
// The bundle is DS-CNN-S as configs/kws-dscnn.toml builds it, with random
// weights (its cost does not depend on them), written to a temporary folder.
//
//   build/bench/bench_facade --benchmark_repetitions=10 --benchmark_report_aggregates_only=true
//   (run from the repository root)
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "earshot/audio/decode.h"
#include "earshot/data/feature_norm.h"
#include "earshot/earshot.h"
#include "earshot/features/frontend.h"
#include "earshot/inference/bundle.h"
#include "earshot/inference/forward_pass.h"
#include "earshot/models/zoo.h"
#include "earshot/training/recipe.h"
#include "earshot/training/trainer.h"
#include "earshot/util/allocator.h"

namespace earshot {
namespace {

struct Setup {
  std::string bundle, wav;
};

const Setup& Files() {
  static const Setup setup = [] {
    const auto dir = std::filesystem::temp_directory_path() / "earshot_bench_facade";
    std::filesystem::create_directories(dir);
    const RecipeOptions r = LoadRecipe("configs/kws-dscnn.toml", {});
    BundleInfo info;
    info.features = r.features;
    info.model = r.model;
    info.data = r.data;
    info.store = r.store;
    info.loader = r.loader;
    info.clip_samples = r.loader.clip.Length(r.features.sample_rate);
    info.example_shape = FrontEnd(r.features).OutputShape(info.clip_samples);
    for (int i = 0; i < 12; ++i) info.labels.push_back("word" + std::to_string(i));
    FeatureNorm norm;
    norm.mode = "global";
    norm.mean = {-6.0f};
    norm.std = {3.0f};
    info.normalizer_json = norm.ToJson();
    torch::manual_seed(1);
    auto model = BuildModel(info.model, info.example_shape, 12);
    Setup s{(dir / "ds_cnn_s.bundle").string(), (dir / "clip.wav").string()};
    SaveBundle(s.bundle, info, *model);
    // A rising tone under noise, one second at 16 kHz.
    std::vector<float> x(16000);
    uint32_t noise = 1;
    for (size_t i = 0; i < x.size(); ++i) {
      noise = noise * 1664525u + 1013904223u;
      const double t = static_cast<double>(i) / 16000.0;
      x[i] = static_cast<float>(0.3 * std::sin(2 * M_PI * (300.0 + 400.0 * t) * t) +
                                0.05 * (static_cast<double>(noise >> 8) / (1 << 24) - 0.5));
    }
    WriteWav(s.wav, x, 16000);
    return s;
  }();
  return setup;
}

void ClassifyFile(benchmark::State& state) {
  const SoundClassifier model(Files().bundle);
  for (int i = 0; i < 3; ++i) model.ClassifyFile(Files().wav);  // oneDNN builds its kernels on first use
  for (auto _ : state) benchmark::DoNotOptimize(model.ClassifyFile(Files().wav));
}
BENCHMARK(ClassifyFile)->Name("Facade/ClassifyFile")->Unit(benchmark::kMicrosecond);

void ClassifySamples(benchmark::State& state) {
  const SoundClassifier model(Files().bundle);
  const std::vector<float> x = DecodeFile(Files().wav, model.sample_rate());
  for (int i = 0; i < 3; ++i) model.ClassifySamples(x);
  for (auto _ : state) benchmark::DoNotOptimize(model.ClassifySamples(x));
}
BENCHMARK(ClassifySamples)->Name("Facade/ClassifySamples")->Unit(benchmark::kMicrosecond);

void Decode(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(DecodeFile(Files().wav, 16000));
}
BENCHMARK(Decode)->Name("Facade/DecodeFile")->Unit(benchmark::kMicrosecond);

// DS-CNN-S's forward pass alone on a batch of windows (features of random
// values), the bundle as loaded (LoadBundle) or prepared for inference
// (LoadInferenceBundle: batch norms folded); items are windows.
void Forward(benchmark::State& state) {
  const int64_t batch = state.range(0);
  const bool prepared = state.range(1) != 0;
  const std::shared_ptr<const Bundle> bundle =
      prepared ? LoadInferenceBundle(Files().bundle) : std::make_shared<const Bundle>(LoadBundle(Files().bundle));
  std::vector<int64_t> shape{batch};
  shape.insert(shape.end(), bundle->info.example_shape.begin(), bundle->info.example_shape.end());
  c10::InferenceMode inference;
  const torch::Tensor x = torch::randn(shape);
  for (int i = 0; i < 3; ++i) bundle->model->forward(x);
  for (auto _ : state) benchmark::DoNotOptimize(bundle->model->forward(x));
  state.SetItemsProcessed(state.iterations() * batch);
}
BENCHMARK(Forward)
    ->Name("Model/Forward")
    ->ArgNames({"batch", "prepared"})
    ->ArgsProduct({{1, 32}, {0, 1}})
    ->Unit(benchmark::kMicrosecond);

void Pass(benchmark::State& state) {
  const int64_t batch = state.range(0);
  const char* before = std::getenv("EARSHOT_FORWARD");
  const std::string kept = before ? before : "";
  setenv("EARSHOT_FORWARD", state.range(1) ? "auto" : "torch", 1);
  const ForwardPass pass(LoadInferenceBundle(Files().bundle));
  before ? setenv("EARSHOT_FORWARD", kept.c_str(), 1) : unsetenv("EARSHOT_FORWARD");
  const std::shared_ptr<const Bundle> shape_of = LoadInferenceBundle(Files().bundle);
  int64_t example = 1;
  for (int64_t d : shape_of->info.example_shape) example *= d;
  const torch::Tensor x = torch::randn({batch * example});
  std::vector<float> probs(static_cast<size_t>(batch) * shape_of->info.labels.size());
  for (int i = 0; i < 3; ++i) pass.Run(x.data_ptr<float>(), batch, probs.data());
  for (auto _ : state) {
    pass.Run(x.data_ptr<float>(), batch, probs.data());
    benchmark::DoNotOptimize(probs.data());
  }
  state.SetItemsProcessed(state.iterations() * batch);
  state.SetLabel(pass.backend());
}
BENCHMARK(Pass)
    ->Name("Model/ForwardPass")
    ->ArgNames({"batch", "xnnpack"})
    ->ArgsProduct({{1, 32}, {0, 1}})
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace earshot

int main(int argc, char** argv) {
  // The program's choices, as the earshot binary makes them: one compute
  // thread (LibTorch and OpenBLAS), freed buffers kept for reuse.
  earshot::SetComputeThreads(1);
  earshot::KeepFreedMemoryForReuse();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
