// A tiny training set and recipe shared by the training tests: three tone
// "words" in the Speech Commands layout, a small DS-CNN recipe for them, and
// helpers to check errors and compare weights.
#pragma once

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "../temp_dir.h"
#include "earshot/audio/decode.h"
#include "earshot/inference/bundle.h"
#include "earshot/models/zoo.h"
#include "earshot/training/recipe.h"
#include "earshot/util/error.h"

namespace earshot {

namespace fs = std::filesystem;

// Three "words": tones at 300, 900 and 2000 Hz with a random onset, level
// and a little noise; 14 clips each, 0.5 s at 8 kHz, speaker names hashed
// as Speech Commands does.
inline fs::path MakeToneSet(const std::string& name) {
  const fs::path root = testing::ScratchDir(name) / "data";
  fs::remove_all(root);
  const std::vector<std::pair<std::string, double>> words{{"low", 300}, {"mid", 900}, {"high", 2000}};
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (const auto& [word, freq] : words) {
    fs::create_directories(root / word);
    for (int i = 0; i < 14; ++i) {
      std::vector<float> x(4000, 0.f);
      const int onset = static_cast<int>(u(rng) * 1500);
      const double level = 0.2 + 0.5 * u(rng);
      for (int n = onset; n < onset + 2000; ++n) {
        x[static_cast<size_t>(n)] = static_cast<float>(level * std::sin(2 * M_PI * freq * n / 8000.0) +
                                                       0.02 * (u(rng) - 0.5));
      }
      char file[64];
      std::snprintf(file, sizeof(file), "%08x_nohash_0.wav", 0x1000 * (i + 1) + static_cast<int>(freq));
      WriteWav((root / word / file).string(), x, 8000);
    }
  }
  return root;
}

inline RecipeOptions TinyRecipe(const fs::path& root) {
  RecipeOptions r;
  r.name = "tones";
  r.data.layout = "speech_commands";
  r.data.root = root.string();
  r.data.split = "stratified";
  r.data.validation_fraction = 0.25;
  r.data.seed = 3;
  r.loader.batch_size = 8;
  r.loader.threads = 2;
  r.loader.clip.seconds = 0.5;
  r.loader.augment.shift = true;
  r.loader.augment.shift_ms = 20;
  r.features.sample_rate = 8000;
  r.features.n_fft = 256;
  r.features.win_length = 200;
  r.features.hop_length = 80;
  r.features.n_mels = 20;
  r.model.name = "ds_cnn";
  r.train.epochs = 4;
  r.train.threads = 1;
  r.train.optimizer.name = "adam";
  r.train.optimizer.lr = 0.01;
  r.train.checkpoint.monitor = "val_accuracy";
  return r;
}

// `f` throws an earshot::Error whose message holds every one of `words`.
inline void ExpectError(const std::function<void()>& f, const std::vector<std::string>& words) {
  try {
    f();
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    for (const auto& w : words) EXPECT_NE(std::string(e.what()).find(w), std::string::npos) << e.what();
  }
}

inline std::vector<float> Weights(const std::string& bundle) {
  Bundle b = LoadBundle(bundle);
  std::vector<float> out;
  for (const auto& p : b.model->parameters()) {
    auto c = p.detach().contiguous().view(-1);
    out.insert(out.end(), c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
  }
  return out;
}

inline BundleInfo DsCnnInfo() {
  BundleInfo info;
  info.features.n_mels = 20;
  info.labels = {"a", "b", "c"};
  info.clip_samples = 16000;
  info.example_shape = {1, 20, 101};
  info.model.name = "ds_cnn";
  return info;
}

}  // namespace earshot
