// Tiny data sets of tones and the recipe that trains a small model on them
// in seconds: the bundles the prediction, library and server tests run.
//
//   WriteToneSet(dir / "data", {{"high", 1800.0}, {"low", 300.0}});
//   TrainRecipe(TinyRecipe((dir / "data").string(), 1), run, false);  // run/model/best.bundle
#pragma once

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "earshot/audio/decode.h"
#include "earshot/stream/detector.h"
#include "earshot/training/recipe.h"

namespace earshot::testing {

inline constexpr int kToneRate = 8000;

inline std::vector<float> Tone(double hz, int64_t n, double phase) {
  std::vector<float> x(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    x[static_cast<size_t>(i)] = static_cast<float>(0.4 * std::sin(2 * M_PI * hz * i / kToneRate + phase));
  }
  return x;
}

// Speech Commands layout: <root>/<label>/<name>.wav, 1 s tones.
inline void WriteToneSet(const std::filesystem::path& root,
                         const std::vector<std::pair<std::string, double>>& classes) {
  for (const auto& [label, hz] : classes) {
    std::filesystem::create_directories(root / label);
    for (int i = 0; i < 8; ++i) {
      WriteWav((root / label / ("c" + std::to_string(i) + "_nohash_0.wav")).string(),
               Tone(hz * (1.0 + 0.02 * i), kToneRate, 0.3 * i), kToneRate);
    }
  }
}

inline RecipeOptions TinyRecipe(const std::string& root, int seed) {
  RecipeOptions r;
  const std::vector<std::string> settings{
      "data.root=" + root,          "data.split=stratified",      "data.validation_fraction=0.25",
      "data.test_fraction=0.25",    "features.sample_rate=8000",  "features.n_fft=256",
      "features.win_length=200",    "features.hop_length=80",     "features.n_mels=20",
      "model.name=seed003_dummy_2d", "train.epochs=2",            "train.threads=1",
      "train.normalize=global",     "loader.batch_size=4",        "loader.threads=1",
      "store.threads=1",            "train.seed=" + std::to_string(seed)};
  for (const auto& s : settings) ApplySetting(r, s);
  return r;
}

// Detector settings under which every window of a tone is an event: many
// events to compare.
inline StreamOptions EveryWindowAnEvent() {
  StreamOptions every;
  every.stride_ms = 40;
  every.smoothing.detection_threshold = 0.3;
  every.smoothing.minimum_count = 1;
  every.smoothing.suppression_ms = 0;
  every.smoothing.label_change = false;
  return every;
}

}  // namespace earshot::testing
