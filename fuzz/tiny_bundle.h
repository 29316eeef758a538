// The small bundle the bundle fuzz targets start from: seed 003's dummy
// 2-D model (global max pool, one dense layer) over 20 log-mels of one
// second at 8 kHz, two labels, one detection threshold; a few KB on disk.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "earshot/features/frontend.h"
#include "earshot/inference/bundle.h"
#include "earshot/models/zoo.h"

namespace earshot::fuzzing {

inline BundleInfo TinyBundleInfo() {
  BundleInfo info;
  info.features.sample_rate = 8000;
  info.features.n_fft = 256;
  info.features.win_length = 200;
  info.features.hop_length = 80;
  info.features.n_mels = 20;
  info.model.name = "seed003_dummy_2d";
  info.labels = {"high", "low"};
  info.clip_samples = 8000;
  info.example_shape = FrontEnd(info.features).OutputShape(info.clip_samples);
  info.thresholds = {{"high", 0.7}};
  return info;
}

inline std::shared_ptr<Classifier> TinyModel(const BundleInfo& info) {
  return BuildModel(info.model, info.example_shape, static_cast<int>(info.labels.size()));
}

// A file of this process's own that each input is written to before
// LoadBundle reads it (the loader reads paths); removed at exit.
inline const std::string& ScratchBundlePath() {
  static const std::string path = [] {
    std::string p = "/tmp/earshot_fuzz_bundle_" + std::to_string(getpid()) + ".bundle";
    std::atexit([] { std::remove(ScratchBundlePath().c_str()); });
    return p;
  }();
  return path;
}

}  // namespace earshot::fuzzing
