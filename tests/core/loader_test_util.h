// Fixtures for the clip store, loader and augmentation tests: a temporary
// folder and small sound files written at test time.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "../temp_dir.h"
#include "earshot/audio/decode.h"
#include "earshot/data/example_rng.h"

namespace earshot::testing {

// Uniform noise in [-amplitude, amplitude) from a fixed seed.
inline std::vector<float> Noise(int64_t n, float amplitude, uint64_t seed) {
  SplitMix64 rng(seed);
  std::vector<float> x(static_cast<size_t>(n));
  for (float& v : x) v = static_cast<float>(rng.Uniform(-amplitude, amplitude));
  return x;
}

// Writes 16-bit samples and returns the path.
inline std::string Wav(const TempDir& dir, const std::string& name, const std::vector<float>& x,
                       int rate = 16000) {
  const std::string path = dir.File(name);
  WriteWav(path, x, rate);
  return path;
}

}  // namespace earshot::testing
