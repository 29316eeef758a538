// Fixtures for the clip store, loader and augmentation tests: a temporary
// folder and small sound files written at test time.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "earshot/audio/decode.h"
#include "earshot/data/example_rng.h"

namespace earshot::testing {

// A fresh folder under the system temp dir, removed with the object.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "earshot_loader_XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Uniform noise in [-amplitude, amplitude) from a fixed seed.
inline std::vector<float> Noise(int64_t n, float amplitude, uint64_t seed) {
  ExampleRng rng(seed);
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
