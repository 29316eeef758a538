// The loader's voice, room, noise and channel augmentations measured over
// many draws: how often each applies, and what it draws.
#include <cmath>

#include <gtest/gtest.h>

#include "earshot/audio/mix_snr.h"
#include "earshot/data/augment_wave.h"
#include "earshot/data/example_rng.h"
#include "earshot/util/error.h"
#include "loader_test_util.h"

namespace earshot {
namespace {

constexpr int kRate = 16000;

std::vector<float> Voice(int64_t n) {
  std::vector<float> x(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    x[i] = static_cast<float>(0.3 * std::sin(2 * M_PI * 180.0 * i / kRate) + 0.1 * std::sin(2 * M_PI * 1500.0 * i / kRate));
  }
  return x;
}

ClipStore StoreOf(int clips, int64_t n, float amplitude) {
  ClipStore store(kRate);
  for (int c = 0; c < clips; ++c) {
    const std::vector<float> x = testing::Noise(n, amplitude, 50 + c);
    store.Append(x.data(), n);
  }
  return store;
}

// Share of `trials` clips that `augment` changed.
template <typename F>
double ShareChanged(int trials, int64_t n, F augment) {
  int changed = 0;
  for (int t = 0; t < trials; ++t) {
    std::vector<float> x = Voice(n);
    SplitMix64 rng = SplitMix64::For(9, kExampleStream, 0, t);
    augment(x, rng);
    changed += x != Voice(n);
  }
  return changed / static_cast<double>(trials);
}

TEST(AugmentWaveTest, EachChannelChangeAppliesAtItsProbability) {
  const int64_t n = 1600;
  struct Case {
    const char* name;
    void (*set)(AugmentOptions&);
    double p;
  };
  const Case cases[] = {
      {"eq", [](AugmentOptions& o) { o.eq = true; }, 0.5},
      {"highpass", [](AugmentOptions& o) { o.highpass = true; }, 0.5},
      {"telephone", [](AugmentOptions& o) { o.telephone = true; }, 0.2},
      {"distortion", [](AugmentOptions& o) { o.distortion = true; }, 0.2},
  };
  for (const Case& c : cases) {
    AugmentOptions o;
    c.set(o);
    const double share = ShareChanged(1000, n, [&](std::vector<float>& x, SplitMix64& rng) {
      AugmentChannel(x.data(), n, kRate, o, rng);
    });
    EXPECT_NEAR(share, c.p, 0.045) << c.name;  // 3 standard errors
  }
  // Off: nothing changes and nothing is drawn.
  AugmentOptions off;
  SplitMix64 rng(1), untouched(1);
  std::vector<float> x = Voice(n);
  AugmentChannel(x.data(), n, kRate, off, rng);
  EXPECT_EQ(x, Voice(n));
  EXPECT_EQ(rng.Next(), untouched.Next());
}

TEST(AugmentWaveTest, NoiseAndBabbleAtSnrsUniformInTheRange) {
  const int64_t n = 4000;
  ClipStore noise = StoreOf(2, 9000, 0.5f), speech = StoreOf(8, 3000, 0.2f);
  AugmentSources sources;
  sources.noise = &noise;
  sources.speech = &speech;
  sources.babble_rows = {1, 3, 5, 7};
  for (bool babble : {false, true}) {
    AugmentOptions o;
    o.noise = o.noise_snr = !babble;
    o.babble = babble;
    o.snr_min = 5.0;
    o.snr_max = 15.0;
    const int trials = 1500;
    int mixed = 0;
    double sum = 0, lo = 100, hi = -100;
    for (int t = 0; t < trials; ++t) {
      const std::vector<float> clean = Voice(n);
      std::vector<float> x = clean;
      SplitMix64 rng = SplitMix64::For(3, kExampleStream, 0, t);
      AugmentNoise(x.data(), n, o, sources, rng);
      if (x == clean) continue;
      ++mixed;
      for (int64_t i = 0; i < n; ++i) x[i] -= clean[i];
      const double snr = 10 * std::log10(MeanPower(clean.data(), n) / MeanPower(x.data(), n));
      sum += snr;
      lo = std::min(lo, snr);
      hi = std::max(hi, snr);
    }
    EXPECT_NEAR(mixed / double(trials), babble ? 0.3 : 0.8, 0.035) << babble;
    EXPECT_NEAR(sum / mixed, 10.0, 0.3) << babble;
    EXPECT_GE(lo, 4.99);
    EXPECT_LE(hi, 15.01);
    EXPECT_LT(lo, 5.2);
    EXPECT_GT(hi, 14.8);
  }
}

TEST(AugmentWaveTest, BabbleSumsTalkersOfUnitPower) {
  ClipStore speech = StoreOf(4, 2000, 0.3f);
  SplitMix64 rng(4);
  const std::vector<float> one = MakeBabble(speech, {0, 1, 2, 3}, 1, 2000, rng);
  EXPECT_NEAR(MeanPower(one.data(), 2000), 1.0, 1e-3);  // a whole clip, circularly offset
  double sum = 0;
  for (int t = 0; t < 200; ++t) {
    const std::vector<float> b = MakeBabble(speech, {0, 1, 2, 3}, 5, 2000, rng);
    sum += MeanPower(b.data(), 2000);
  }
  EXPECT_NEAR(sum / 200, 5.0, 0.25);  // independent talkers: powers add
}

TEST(AugmentWaveTest, VoiceChangesAtTheirProbabilitiesAndRanges) {
  const int64_t n = 4000;
  AugmentOptions o;
  o.tempo = true;
  int changed = 0;
  double lo = 1e9, hi = 0;
  const int trials = 400;
  for (int t = 0; t < trials; ++t) {
    std::vector<float> x = Voice(n);
    SplitMix64 rng = SplitMix64::For(5, kExampleStream, 0, t);
    AugmentVoice(x, kRate, o, rng);
    if (x == Voice(n)) continue;
    ++changed;
    const double tempo = static_cast<double>(n) / static_cast<double>(x.size());
    lo = std::min(lo, tempo);
    hi = std::max(hi, tempo);
  }
  EXPECT_NEAR(changed / double(trials), 0.5, 0.075);
  EXPECT_GE(lo, 0.85 - 1e-3);
  EXPECT_LE(hi, 1.15 + 1e-3);
  EXPECT_LT(lo, 0.87);
  EXPECT_GT(hi, 1.13);
  o = AugmentOptions{};
  o.pitch = o.vtlp = true;
  o.pitch_probability = 1.0;
  o.vtlp_probability = 0.0;
  for (int t = 0; t < 20; ++t) {
    std::vector<float> x = Voice(n);
    SplitMix64 rng = SplitMix64::For(6, kExampleStream, 0, t);
    AugmentVoice(x, kRate, o, rng);
    EXPECT_EQ(static_cast<int64_t>(x.size()), n);  // pitch keeps the length
    EXPECT_NE(x, Voice(n));
  }
}

TEST(AugmentWaveTest, ReverbAtItsProbabilityKeepsThePowerAndUsesTheFolder) {
  const int64_t n = 1600;
  AugmentOptions o;
  o.reverb = true;
  AugmentSources none;
  const double share = ShareChanged(300, n, [&](std::vector<float>& x, SplitMix64& rng) {
    const double before = MeanPower(x.data(), n);
    AugmentRoom(x.data(), n, kRate, o, none, rng);
    EXPECT_NEAR(MeanPower(x.data(), n), before, 1e-3 * before);
  });
  EXPECT_NEAR(share, 0.5, 0.087);
  // The folder's responses, with folder share 1: a pure delay of 3 samples
  // after the peak-alignment is a delta, so the clip comes back unchanged.
  testing::TempDir dir;
  std::filesystem::create_directories(dir.File("irs"));
  std::vector<float> delta(400, 0.f);
  delta[3] = 0.5f;
  WriteWav(dir.File("irs/a.wav"), delta, kRate);
  WriteWav(dir.File("irs/b.wav"), std::vector<float>{0.f, 0.8f, 0.4f}, kRate);
  AugmentSources folder;
  folder.impulse_responses = LoadImpulseResponses(dir.File("irs"), kRate);
  ASSERT_EQ(folder.impulse_responses.size(), 2u);
  EXPECT_EQ(folder.impulse_responses[0].size(), 397u);  // starts at its peak
  EXPECT_EQ(folder.impulse_responses[1].size(), 2u);
  o.reverb_probability = 1.0;
  o.reverb_folder_share = 1.0;
  int same = 0;
  for (int t = 0; t < 40; ++t) {
    std::vector<float> x = Voice(n);
    SplitMix64 rng(t);
    AugmentRoom(x.data(), n, kRate, o, folder, rng);
    bool equal = true;
    for (int64_t i = 0; i < n; ++i) equal = equal && std::abs(x[i] - Voice(n)[i]) < 1e-4;
    same += equal;
  }
  EXPECT_GT(same, 10);  // the delta, about half the time
  EXPECT_LT(same, 30);
  EXPECT_THROW(LoadImpulseResponses(dir.File("missing"), kRate), Error);
  std::filesystem::create_directories(dir.File("empty"));
  EXPECT_THROW(LoadImpulseResponses(dir.File("empty"), kRate), Error);
}

TEST(AugmentWaveTest, OptionsRefuseValuesOutOfRange) {
  AugmentOptions o;
  o.reverb_rt60_max = 5.0;
  try {
    o.Validate();
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "--reverb_rt60_max should be in [0.05, 3]. Given: 5");
  }
  o = AugmentOptions{};
  o.snr_min = 30.0;  // above snr_max
  EXPECT_THROW(o.Validate(), Error);
  o = AugmentOptions{};
  o.noise_snr = true;  // without noise
  try {
    o.Validate();
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "--noise_snr = true mixes the noise of --noise, which is false");
  }
  o = AugmentOptions{};
  o.quantize_bits_min = 1;
  EXPECT_THROW(o.Validate(), Error);
}

}  // namespace
}  // namespace earshot
