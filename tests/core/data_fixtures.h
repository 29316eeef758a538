// Small data sets written at test time for the data tests.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "../temp_dir.h"
#include "earshot/audio/decode.h"

namespace earshot::testing_data {

using earshot::testing::FreshDir;

inline void WriteText(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << text;
}

// A short clip of `samples` samples of a quiet tone.
inline void WriteClip(const std::filesystem::path& path, int rate = 16000, int samples = 160) {
  std::filesystem::create_directories(path.parent_path());
  std::vector<float> x(static_cast<size_t>(samples));
  for (int i = 0; i < samples; ++i) x[static_cast<size_t>(i)] = 0.1f * static_cast<float>(i % 7) / 7.f;
  WriteWav(path.string(), x, rate);
}

// A 440 Hz sine of n samples at 16 kHz whose largest |sample| is `peak`.
inline std::vector<float> SineWithPeak(int64_t n, float peak, double hz = 440) {
  std::vector<float> x(static_cast<size_t>(n));
  float top = 0.f;
  for (int64_t i = 0; i < n; ++i) {
    x[static_cast<size_t>(i)] = static_cast<float>(std::sin(2 * M_PI * hz * static_cast<double>(i) / 16000.0));
    top = std::max(top, std::fabs(x[static_cast<size_t>(i)]));
  }
  for (float& v : x) v *= peak / top;
  return x;
}

}  // namespace earshot::testing_data
