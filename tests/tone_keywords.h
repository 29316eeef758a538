// Tone "keywords" at 8 kHz for the streaming tests (no LibTorch): a
// Speech Commands-style set of two wanted tones, a third as unknown and
// background noise, and a 40 s stream of tones at known times in noise.
//
//   WriteToneKeywordSet(dir / "data", 16);
//   std::vector<PlacedTone> placed;
//   std::vector<float> x = ToneKeywordStream(&placed);
#pragma once

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "earshot/audio/decode.h"

namespace earshot::testing {

inline constexpr int kToneKeywordRate = 8000;

inline std::vector<float> KeywordTone(double hz, int64_t n, double phase, double amp = 0.4) {
  std::vector<float> x(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    x[static_cast<size_t>(i)] = static_cast<float>(amp * std::sin(2 * M_PI * hz * i / kToneKeywordRate + phase));
  }
  return x;
}

inline std::vector<float> GaussianNoise(int64_t n, float sd, unsigned seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<float> d(0.f, sd);
  std::vector<float> x(static_cast<size_t>(n));
  for (float& v : x) v = d(gen);
  return x;
}

inline const std::vector<std::pair<std::string, double>>& KeywordTones() {
  static const std::vector<std::pair<std::string, double>> tones{{"high", 1800.0}, {"low", 300.0}, {"mid", 900.0}};
  return tones;
}

// Speech Commands layout: `clips` one-second clips of each tone (high and
// low the wanted words, mid the unknown one), and background noise for
// the silence clips.
inline void WriteToneKeywordSet(const std::filesystem::path& root, int clips) {
  const int rate = kToneKeywordRate;
  for (const auto& [label, hz] : KeywordTones()) {
    std::filesystem::create_directories(root / label);
    for (int i = 0; i < clips; ++i) {
      std::vector<float> x = KeywordTone(hz * (1.0 + 0.01 * i), rate, 0.3 * i, 0.2 + 0.02 * i);
      const std::vector<float> n = GaussianNoise(rate, 0.01f, 100 + static_cast<unsigned>(i));
      for (size_t k = 0; k < x.size(); ++k) x[k] += n[k];
      WriteWav((root / label / ("s" + std::to_string(i) + "_nohash_0.wav")).string(), x, rate);
    }
  }
  std::filesystem::create_directories(root / "_background_noise_");
  WriteWav((root / "_background_noise_" / "noise.wav").string(), GaussianNoise(20 * rate, 0.02f, 7), rate);
}

struct PlacedTone {
  std::string label;  // of KeywordTones()
  double start_ms;    // where its one-second tone starts
};

// 40 s of noise with a one-second tone every 2.7 to 3.3 s from 1.3 s,
// cycling high, low, mid, at frequencies and phases the set's clips do
// not have.
inline std::vector<float> ToneKeywordStream(std::vector<PlacedTone>* placed) {
  const int rate = kToneKeywordRate;
  std::vector<float> x = GaussianNoise(40 * rate, 0.01f, 21);
  double at = 1.3;
  for (int i = 0; at + 1.0 < 39.0; ++i) {
    const auto& [label, hz] = KeywordTones()[static_cast<size_t>(i % 3)];
    const std::vector<float> t = KeywordTone(hz * (1.005 + 0.01 * (i % 5)), rate, 0.77 * i, 0.25 + 0.03 * (i % 4));
    const size_t first = static_cast<size_t>(at * rate);
    for (size_t k = 0; k < t.size(); ++k) x[first + k] += t[k];
    placed->push_back({label, at * 1000});
    at += 2.7 + 0.3 * (i % 3);
  }
  return x;
}

}  // namespace earshot::testing
