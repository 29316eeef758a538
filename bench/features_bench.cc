// Speed of the feature front end on keyword-spotting clips: 40 HTK log-mels
// (log(x + 1e-6)) of one-second 16 kHz clips, n_fft 512, window 480, hop
// 160, one thread; per clip and as a batch of 64 through ComputeBatch.
// bench/torchaudio_melspec.py times torchaudio with the same settings.
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "earshot/features/frontend.h"

namespace earshot {
namespace {

constexpr int kRate = 16000;
constexpr int kBatch = 64;

FrontEndOptions LogMel40() {
  FrontEndOptions o;
  o.sample_rate = kRate;
  o.feature = "mel";
  o.n_fft = 512;
  o.win_length = 480;
  o.hop_length = 160;
  o.window = "hann";
  o.n_mels = 40;
  o.mel_scale = "htk";
  o.scale = "log";
  o.log_offset = 1e-6;
  return o;
}

std::vector<float> Noise(size_t n) {
  std::mt19937 rng(1);
  std::normal_distribution<float> d(0.f, 0.1f);
  std::vector<float> x(n);
  for (float& v : x) v = d(rng);
  return x;
}

void BM_LogMel40_PerClip(benchmark::State& state) {
  const FrontEnd fe(LogMel40());
  const std::vector<float> clip = Noise(kRate);
  std::vector<float> out(static_cast<size_t>(fe.OutputSize(kRate)));
  for (auto _ : state) {
    fe.Compute(clip.data(), kRate, out.data());
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LogMel40_PerClip)->Unit(benchmark::kMicrosecond);

void BM_LogMel40_Batch64(benchmark::State& state) {
  const FrontEnd fe(LogMel40());
  const std::vector<float> clips = Noise(static_cast<size_t>(kBatch) * kRate);
  std::vector<float> out(static_cast<size_t>(kBatch * fe.OutputSize(kRate)));
  for (auto _ : state) {
    fe.ComputeBatch(clips.data(), kBatch, kRate, out.data(), /*threads=*/1);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_LogMel40_Batch64)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace earshot

BENCHMARK_MAIN();
