// Clip length policies and prediction windows.
#include <numeric>

#include <gtest/gtest.h>

#include "earshot/data/clip_length.h"
#include "earshot/data/clip_options.h"
#include "earshot/util/error.h"

namespace earshot {
namespace {

std::vector<float> Ramp(int64_t n) {
  std::vector<float> x(static_cast<size_t>(n));
  std::iota(x.begin(), x.end(), 1.0f);  // 1, 2, ...: the value tells the position
  return x;
}

TEST(FitClipTest, CentreCropsAndPadsEquallyOnBothSides) {
  std::vector<float> x = Ramp(10), out(4);
  FitClip(x.data(), 10, 4, nullptr, out.data());
  EXPECT_EQ(out, (std::vector<float>{4, 5, 6, 7}));  // offset (10 - 4) / 2 = 3
  std::vector<float> padded(9);
  FitClip(x.data(), 4, 9, nullptr, padded.data());
  EXPECT_EQ(padded, (std::vector<float>{0, 0, 1, 2, 3, 4, 0, 0, 0}));  // left (9 - 4) / 2 = 2
}

TEST(FitClipTest, RandomCropReachesEveryOffsetUniformly) {
  const int64_t n = 20, len = 16;  // offsets 0..4
  std::vector<float> x = Ramp(n), out(len);
  std::vector<int> count(5, 0);
  for (uint64_t i = 0; i < 5000; ++i) {
    SplitMix64 rng = SplitMix64::For(3, kExampleStream, 0, i);
    FitClip(x.data(), n, len, &rng, out.data());
    const int offset = static_cast<int>(out[0]) - 1;
    ASSERT_GE(offset, 0);
    ASSERT_LE(offset, 4);
    for (int64_t k = 0; k < len; ++k) ASSERT_EQ(out[k], x[offset + k]);  // contiguous
    ++count[offset];
  }
  for (int c : count) EXPECT_NEAR(c, 1000, 120);
}

TEST(FitClipTest, RandomPadPlacesTheClipAnywhereInside) {
  const int64_t n = 5, len = 9;  // left padding 0..4
  std::vector<float> x = Ramp(n), out(len);
  std::vector<int> count(5, 0);
  for (uint64_t i = 0; i < 5000; ++i) {
    SplitMix64 rng = SplitMix64::For(4, kExampleStream, 0, i);
    FitClip(x.data(), n, len, &rng, out.data());
    int64_t left = 0;
    while (out[left] == 0) ++left;
    ASSERT_LE(left, 4);
    for (int64_t k = 0; k < len; ++k) {
      ASSERT_EQ(out[k], k >= left && k < left + n ? x[k - left] : 0.f);
    }
    ++count[left];
  }
  for (int c : count) EXPECT_NEAR(c, 1000, 120);
}

TEST(WindowsTest, CoverALongClipAndEndAtItsEnd) {
  EXPECT_EQ(WindowStarts(40000, 16000, 8000), (std::vector<int64_t>{0, 8000, 16000, 24000}));
  EXPECT_EQ(WindowStarts(40000, 16000, 7000),
            (std::vector<int64_t>{0, 7000, 14000, 21000, 24000}));
  EXPECT_EQ(WindowStarts(32000, 16000, 16000), (std::vector<int64_t>{0, 16000}));
  EXPECT_EQ(WindowStarts(16000, 16000, 8000), (std::vector<int64_t>{0}));
  for (int64_t n : {16001, 23456, 99999}) {
    for (int64_t hop : {1000, 5000, 16000}) {
      std::vector<int64_t> s = WindowStarts(n, 16000, hop);
      std::vector<bool> covered(static_cast<size_t>(n), false);
      for (size_t w = 0; w < s.size(); ++w) {
        ASSERT_LE(s[w] + 16000, n);
        if (w > 0) {
          ASSERT_GT(s[w], s[w - 1]);
          ASSERT_LE(s[w] - s[w - 1], hop);
        }
        for (int64_t k = s[w]; k < s[w] + 16000; ++k) covered[k] = true;
      }
      EXPECT_EQ(s.back() + 16000, n);
      EXPECT_EQ(std::count(covered.begin(), covered.end(), false), 0) << n << " " << hop;
    }
  }
}

TEST(WindowsTest, WindowsHoldTheClipsSamples) {
  std::vector<float> x = Ramp(25);
  int64_t count = 0;
  std::vector<float> w = ClipWindows(x.data(), 25, 10, 6, &count);
  ASSERT_EQ(count, 4);  // starts 0, 6, 12, 15
  const int64_t starts[] = {0, 6, 12, 15};
  for (int64_t i = 0; i < count; ++i) {
    for (int64_t k = 0; k < 10; ++k) EXPECT_EQ(w[i * 10 + k], x[starts[i] + k]);
  }
  std::vector<float> short_clip = ClipWindows(x.data(), 4, 10, 6, &count);
  ASSERT_EQ(count, 1);
  EXPECT_EQ(short_clip, (std::vector<float>{0, 0, 0, 1, 2, 3, 4, 0, 0, 0}));  // centred
}

TEST(ClipOptionsTest, LengthFromSecondsOrSamplesAndChecks) {
  ClipOptions o;
  EXPECT_EQ(o.Length(16000), 16000);
  o.seconds = 2.0;
  EXPECT_EQ(o.Length(16000), 32000);
  EXPECT_EQ(o.Hop(16000), 8000);
  o.samples = 8000;
  EXPECT_EQ(o.Length(8000), 8000);
  o.hop_seconds = 0;
  EXPECT_EQ(o.Hop(8000), 8000);
  o.pad_crop = "loop";
  try {
    o.Validate();
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("pad_crop should be one of center | random | drop"),
              std::string::npos);
  }
}

}  // namespace
}  // namespace earshot
