// Augmentations measured over many draws: how often, how much, within what
// bounds.
#include <cmath>

#include <gtest/gtest.h>

#include "earshot/data/augment.h"
#include "earshot/util/error.h"
#include "loader_test_util.h"

namespace earshot {
namespace {

// A noise clip of +-0.5 (exact in int16): the added noise's peak is half
// the mixing volume.
ClipStore SquareNoise(int64_t n) {
  ClipStore store(16000);
  std::vector<float> x(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) x[i] = i % 3 == 0 ? 0.5f : -0.5f;
  store.Append(x.data(), n);
  return store;
}

TEST(AugmentTest, NoiseReachesEightyPercentAtVolumesUniformToPointOne) {
  ClipStore noise = SquareNoise(5000);
  const int trials = 20000;
  int noisy = 0, below_half = 0;
  double sum = 0, top = 0;
  std::vector<float> x(400);
  for (int t = 0; t < trials; ++t) {
    std::fill(x.begin(), x.end(), 0.f);
    SplitMix64 rng = SplitMix64::For(1, kExampleStream, 0, t);
    const float returned = MixBackgroundNoise(x.data(), 400, noise, 0.8, 0.1, rng);
    float peak = 0;
    for (float v : x) peak = std::max(peak, std::abs(v));
    const double volume = 2.0 * peak;  // measured from the added noise
    ASSERT_NEAR(volume, returned, 1e-6);
    if (volume == 0) continue;
    ++noisy;
    sum += volume;
    top = std::max(top, volume);
    below_half += volume < 0.05;
  }
  EXPECT_NEAR(noisy / double(trials), 0.8, 0.015);
  EXPECT_NEAR(sum / noisy, 0.05, 0.001);               // mean of U(0, 0.1)
  EXPECT_NEAR(below_half / double(noisy), 0.5, 0.015);  // median 0.05
  EXPECT_LE(top, 0.1);
  EXPECT_GT(top, 0.099);
}

TEST(AugmentTest, NoiseSegmentsStartAtRandomOffsetsAndWrap) {
  ClipStore store(16000);
  std::vector<float> ramp(100);
  for (int i = 0; i < 100; ++i) ramp[i] = (i + 1) / 128.0f;  // exact in int16
  store.Append(ramp.data(), 100);
  std::vector<bool> seen(100, false);
  for (int t = 0; t < 3000; ++t) {
    std::vector<float> x(30, 0.f);
    SplitMix64 rng = SplitMix64::For(2, kExampleStream, 0, t);
    AddNoiseSegment(x.data(), 30, store, 1.0f, rng);
    const int offset = static_cast<int>(std::lround(x[0] * 128)) - 1;
    ASSERT_LE(offset, 70);
    for (int k = 0; k < 30; ++k) ASSERT_EQ(x[k], ramp[offset + k]);
    seen[offset] = true;
  }
  EXPECT_EQ(std::count(seen.begin(), seen.begin() + 71, true), 71);
  std::vector<float> longer(250, 0.f);  // longer than the noise: repeated
  SplitMix64 rng(5);
  AddNoiseSegment(longer.data(), 250, store, 1.0f, rng);
  for (int k = 0; k < 250; ++k) EXPECT_EQ(longer[k], ramp[k % 100]);
}

TEST(AugmentTest, ShiftStaysWithinBoundsAndFillsWithZeros) {
  const int64_t n = 16000, max_shift = 1600;  // 100 ms at 16 kHz
  int64_t lo = 0, hi = 0;
  double sum = 0;
  for (int t = 0; t < 4000; ++t) {
    std::vector<float> x(static_cast<size_t>(n), 1.0f);
    x[8000] = 5.0f;
    SplitMix64 rng = SplitMix64::For(3, kExampleStream, 0, t);
    const int64_t s = TimeShift(x.data(), n, max_shift, rng);
    ASSERT_LE(std::abs(s), max_shift);
    ASSERT_EQ(x[8000 + s], 5.0f);
    const int64_t zeros = std::count(x.begin(), x.end(), 0.0f);
    ASSERT_EQ(zeros, std::abs(s));
    if (s > 0) {
      ASSERT_EQ(x[s - 1], 0.f);
    } else if (s < 0) {
      ASSERT_EQ(x[n + s], 0.f);
    }
    lo = std::min(lo, s);
    hi = std::max(hi, s);
    sum += s;
  }
  EXPECT_LT(lo, -1550);
  EXPECT_GT(hi, 1550);
  EXPECT_NEAR(sum / 4000, 0.0, 40.0);  // symmetric: std of the mean ~15
}

TEST(AugmentTest, GainInDecibelRange) {
  double lo = 1e9, hi = -1e9;
  for (int t = 0; t < 2000; ++t) {
    std::vector<float> x(10, 0.5f);
    SplitMix64 rng = SplitMix64::For(4, kExampleStream, 0, t);
    const double db = ApplyGain(x.data(), 10, -6.0, 6.0, rng);
    ASSERT_NEAR(20 * std::log10(x[3] / 0.5), db, 1e-4);
    lo = std::min(lo, db);
    hi = std::max(hi, db);
  }
  EXPECT_GE(lo, -6.0);
  EXPECT_LT(lo, -5.9);
  EXPECT_LE(hi, 6.0);
  EXPECT_GT(hi, 5.9);
}

TEST(AugmentTest, SpeedChangesLengthAndPitch) {
  const int rate = 16000;
  std::vector<float> tone(rate);
  for (int i = 0; i < rate; ++i) tone[i] = 0.5f * std::sin(2 * M_PI * 1000.0 * i / rate);
  std::vector<float> fast = ChangeSpeed(tone.data(), rate, 1.1, rate);
  std::vector<float> slow = ChangeSpeed(tone.data(), rate, 0.9, rate);
  EXPECT_NEAR(static_cast<double>(fast.size()), rate / 1.1, 1.0);
  EXPECT_NEAR(static_cast<double>(slow.size()), rate / 0.9, 1.0);
  // Zero crossings away from the edges: 2 per period.
  auto crossings = [](const std::vector<float>& x) {
    int c = 0;
    for (size_t i = 2000; i + 2000 < x.size(); ++i) c += (x[i - 1] < 0) != (x[i] < 0);
    return c / double(x.size() - 4000);
  };
  EXPECT_NEAR(crossings(fast) * rate / 2, 1100.0, 15.0);
  EXPECT_NEAR(crossings(slow) * rate / 2, 900.0, 15.0);
}

TEST(AugmentTest, SpecAugmentMasksBandsOnEveryChannel) {
  AugmentOptions o;
  o.freq_masks = 1;
  o.freq_mask_width = 5;
  o.time_masks = 1;
  o.time_mask_width = 7;
  o.mask_value = "zero";
  const int64_t C = 2, F = 20, T = 30;
  int max_freq = 0, max_time = 0;
  for (int t = 0; t < 500; ++t) {
    std::vector<float> x(C * F * T, 1.0f);
    SplitMix64 rng = SplitMix64::For(5, kExampleStream, 0, t);
    SpecAugmentMasks(x.data(), C, F, T, o, rng);
    // Rows entirely masked are the frequency band; columns the time band.
    int rows = 0, cols = 0;
    for (int64_t f = 0; f < F; ++f) {
      bool all = true;
      for (int64_t k = 0; k < T; ++k) all = all && x[f * T + k] == 0;
      rows += all;
    }
    for (int64_t k = 0; k < T; ++k) {
      bool all = true;
      for (int64_t f = 0; f < F; ++f) all = all && x[f * T + k] == 0;
      cols += all;
    }
    ASSERT_LE(rows, 5);
    ASSERT_LE(cols, 7);
    // The second channel is masked the same way.
    for (int64_t i = 0; i < F * T; ++i) ASSERT_EQ(x[i], x[F * T + i]);
    // Every zero lies in a masked row or column.
    const int64_t zeros = std::count(x.begin(), x.begin() + F * T, 0.0f);
    ASSERT_EQ(zeros, rows * T + cols * F - rows * cols);
    max_freq = std::max(max_freq, rows);
    max_time = std::max(max_time, cols);
  }
  EXPECT_EQ(max_freq, 5);
  EXPECT_EQ(max_time, 7);
}

TEST(AugmentTest, SpecAugmentMeanValueIsTheExamplesMean) {
  AugmentOptions o;
  o.freq_masks = 1;
  o.freq_mask_width = 3;
  o.time_masks = 0;
  std::vector<float> x(4 * 5);
  for (int i = 0; i < 20; ++i) x[i] = static_cast<float>(i);  // mean 9.5
  SplitMix64 rng(11);
  SpecAugmentMasks(x.data(), 1, 4, 5, o, rng);
  const int64_t masked = std::count(x.begin(), x.end(), 9.5f);
  EXPECT_EQ(masked % 5, 0);
  EXPECT_LE(masked, 15);
}

TEST(AugmentTest, MixupMixesFeaturesAndTargetsInTheSameProportion) {
  const int64_t B = 64, D = 3, K = 4;
  std::vector<float> x(B * D), y(B * K, 0.f);
  for (int64_t i = 0; i < B; ++i) {
    for (int64_t d = 0; d < D; ++d) x[i * D + d] = static_cast<float>(i);
    y[i * K + i % K] = 1.f;
  }
  const std::vector<float> x0 = x, y0 = y;
  SplitMix64 rng(12);
  MixupBatch(x.data(), B, D, y.data(), K, 0.4, rng);
  double lam_sum = 0;
  int mixed = 0;
  for (int64_t i = 0; i < B; ++i) {
    float total = 0;
    for (int64_t k = 0; k < K; ++k) total += y[i * K + k];
    EXPECT_NEAR(total, 1.0, 1e-5);  // still a distribution
    const float lam = y[i * K + i % K] >= 0.5f ? y[i * K + i % K] : 0.f;
    ASSERT_GE(lam, 0.5f);
    if (lam < 0.95f) {  // nearer 1 the partner is lost in rounding
      // x_i = lam i + (1 - lam) j for the partner j whose class got 1 - lam.
      int64_t partner_class = -1;
      for (int64_t k = 0; k < K; ++k) {
        if (k != i % K && y[i * K + k] > 0) partner_class = k;
      }
      if (partner_class >= 0) {
        const double j = (x[i * D] - lam * i) / (1.0 - lam);
        EXPECT_NEAR(j - std::round(j), 0.0, 1e-2);
        EXPECT_EQ(static_cast<int64_t>(std::llround(j)) % K, partner_class);
        ++mixed;
      }
    }
    lam_sum += lam;
  }
  EXPECT_GT(mixed, B / 5);
  EXPECT_GT(lam_sum / B, 0.5);
  EXPECT_LT(lam_sum / B, 1.0);
}

TEST(ExampleRngTest, BetaHasTheRightMean) {
  SplitMix64 rng(13);
  double sum = 0, sum_sq = 0;
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    const double b = rng.Beta(0.4, 0.4);
    ASSERT_GE(b, 0.0);
    ASSERT_LE(b, 1.0);
    sum += b;
    sum_sq += b * b;
  }
  const double mean = sum / n, var = sum_sq / n - mean * mean;
  EXPECT_NEAR(mean, 0.5, 0.01);
  EXPECT_NEAR(var, 0.25 / (0.8 + 1), 0.01);  // ab / ((a+b)^2 (a+b+1))
}

TEST(AugmentOptionsTest, RefusesValuesOutOfRange) {
  AugmentOptions o;
  o.noise_frequency = 1.5;
  try {
    o.Validate();
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("noise_frequency"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("1.5"), std::string::npos);
  }
  o = AugmentOptions{};
  o.speed_min = 1.2;  // above speed_max 1.1
  EXPECT_THROW(o.Validate(), Error);
  o = AugmentOptions{};
  o.mask_value = "nan";
  EXPECT_THROW(o.Validate(), Error);
}

}  // namespace
}  // namespace earshot
