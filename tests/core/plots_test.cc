#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include "earshot/plots/charts.h"
#include "earshot/util/error.h"
#include "../temp_dir.h"

namespace earshot::plots {
namespace {

namespace fs = std::filesystem;

struct PngSize {
  int width = 0, height = 0;
};

// A PNG starts with an 8-byte signature, then the IHDR chunk: length (13),
// "IHDR", width and height as big-endian 32-bit integers.
PngSize ReadPngSize(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  unsigned char b[24] = {};
  in.read(reinterpret_cast<char*>(b), sizeof b);
  EXPECT_EQ(in.gcount(), 24) << path;
  const unsigned char signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  EXPECT_TRUE(std::equal(signature, signature + 8, b)) << path << " is not a PNG";
  EXPECT_EQ(std::string(reinterpret_cast<char*>(b + 12), 4), "IHDR");
  auto be32 = [&](int at) {
    return (b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3];
  };
  return {be32(16), be32(20)};
}

class Charts : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::ScratchDir("plots_test");
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  fs::path dir_;
};

// n names of three characters each, so only the count changes the layout.
std::vector<std::string> Names(int n) {
  std::vector<std::string> names;
  for (int i = 0; i < n; ++i) names.push_back("c" + std::to_string(10 + i));
  return names;
}

TEST_F(Charts, BarChartWidthFollowsTheCategoryCount) {
  // Width max(640, 180 + 26 n): n = 10 -> 640, 35 -> 1090, 41 -> 1246.
  for (const auto& [n, width] : {std::pair{10, 640}, {35, 1090}, {41, 1246}}) {
    std::vector<double> verified(n, 5), other(n, 2);
    const std::string png = Path("bar" + std::to_string(n) + ".png");
    BarChart(png, "Clips per label", "label", "clips", Names(n),
             {{"verified", verified}, {"not verified", other}});
    const PngSize size = ReadPngSize(png);
    EXPECT_EQ(size.width, width) << n << " categories";
    // Same name lengths, same legend: the same height.
    EXPECT_EQ(size.height, ReadPngSize(Path("bar10.png")).height);
  }
  EXPECT_FALSE(fs::exists(Path("bar41.png.tmp")));
}

TEST_F(Charts, LongCategoryNamesMakeTheBarChartTaller) {
  BarChart(Path("short.png"), "t", "x", "y", {"a", "b"}, {{"", {1, 2}}});
  BarChart(Path("long.png"), "t", "x", "y", {"a", "Violin_or_fiddle"}, {{"", {1, 2}}});
  EXPECT_GT(ReadPngSize(Path("long.png")).height, ReadPngSize(Path("short.png")).height);
  ClassScoreChart(Path("acc.png"), "Accuracy per class", "accuracy", {"a", "b"}, {0.5, 1.0});
  EXPECT_EQ(ReadPngSize(Path("acc.png")).width, 640);
}

TEST_F(Charts, FixedSizeCharts) {
  Histogram(Path("hist.png"), "Clip lengths", "seconds", {{"train", {1, 2, 2, 3}}, {"test", {2}}},
            4);
  EXPECT_EQ(ReadPngSize(Path("hist.png")).width, 800);
  EXPECT_EQ(ReadPngSize(Path("hist.png")).height, 500);
  LineChart(Path("line.png"), "Loss", "epoch", "loss", {1, 2, 3},
            {{"train", {1.0, 0.5, 0.25}}, {"val", {1.2, NAN, 0.4}}});
  EXPECT_EQ(ReadPngSize(Path("line.png")).width, 800);

  std::vector<float> wave(8000);
  for (size_t i = 0; i < wave.size(); ++i) wave[i] = static_cast<float>(std::sin(0.05 * i));
  Waveform(Path("wave.png"), "a.wav", wave, 8000, 500);
  Waveform(Path("wave1.png"), "a.wav", wave, 8000, 0);
  // 50 title + 220 panel + 60 axis = 330; the zoom adds 90 + 220 -> 640.
  EXPECT_EQ(ReadPngSize(Path("wave.png")).height, 640);
  EXPECT_EQ(ReadPngSize(Path("wave1.png")).height, 330);
  EXPECT_EQ(ReadPngSize(Path("wave.png")).width, 1000);

  std::vector<float> mfcc(40 * 63);
  for (size_t i = 0; i < mfcc.size(); ++i) mfcc[i] = static_cast<float>(i % 63);
  FeatureImage(Path("mfcc.png"), "MFCC", "coefficient", mfcc, 40, 63, 512.0 / 16000);
  EXPECT_EQ(ReadPngSize(Path("mfcc.png")).width, 900);
  EXPECT_EQ(ReadPngSize(Path("mfcc.png")).height, 460);
}

TEST_F(Charts, HeatMapCellsShrinkWithTheClassCount) {
  auto draw = [&](int n) {
    std::vector<double> cm(static_cast<size_t>(n) * n, 0);
    for (int i = 0; i < n; ++i) cm[static_cast<size_t>(i) * n + i] = 100 + i;
    const std::string png = Path("heat" + std::to_string(n) + ".png");
    HeatMap(png, "Confusion matrix", "predicted", "true", Names(n), Names(n), cm, true);
    return ReadPngSize(png);
  };
  // Cells clamp(600 / n, 24, 60): n = 35 and 41 both 24 px, so 6 more
  // classes add 6 * 24 = 144 px each way; n = 10 (60 px) and 12 (50 px) both
  // make a 600 px grid.
  const PngSize s35 = draw(35), s41 = draw(41), s10 = draw(10), s12 = draw(12);
  EXPECT_EQ(s41.width - s35.width, 144);
  EXPECT_EQ(s41.height - s35.height, 144);
  EXPECT_EQ(s10.width, s12.width);
  EXPECT_EQ(s10.height, s12.height);
}

TEST_F(Charts, UnwritablePathIsAnIoErrorNamingIt) {
  const std::string png = Path("no_such_dir/chart.png");
  try {
    BarChart(png, "t", "x", "y", {"a"}, {{"", {1}}});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kIo);
    EXPECT_NE(std::string(e.what()).find(png), std::string::npos) << e.what();
  }
  // The stream is released: the next chart still draws.
  Histogram(Path("after.png"), "t", "x", {{"", {1, 2}}}, 2);
  EXPECT_EQ(ReadPngSize(Path("after.png")).width, 800);
}

TEST_F(Charts, BadDataIsRefusedAndLeavesNoFile) {
  auto kind = [](const std::function<void()>& f) {
    try {
      f();
    } catch (const Error& e) {
      return e.kind();
    }
    return ErrorKind::kInternal;
  };
  const std::string png = Path("bad.png");
  EXPECT_EQ(kind([&] {
              BarChart(png, "t", "x", "y", {"a", "b"}, {{"", {1}}});
            }),
            ErrorKind::kMismatch);
  EXPECT_EQ(kind([&] {
              BarChart(png, "t", "x", "y", {"a"}, {{"", {1}}, {"", {-1}}});
            }),
            ErrorKind::kBadData);
  EXPECT_EQ(kind([&] { Histogram(png, "t", "x", {{"", {1}}}, 0); }), ErrorKind::kInvalidOption);
  EXPECT_EQ(kind([&] {
              HeatMap(png, "t", "x", "y", {"a"}, {"a", "b"}, {1}, true);
            }),
            ErrorKind::kMismatch);
  EXPECT_EQ(kind([&] { Waveform(png, "t", {}, 8000, 0); }), ErrorKind::kBadData);
  EXPECT_EQ(kind([&] {
              FeatureImage(png, "t", "bin", {1, 2}, 1, 2, 0);
            }),
            ErrorKind::kInvalidOption);
  EXPECT_EQ(kind([&] { ClassScoreChart(png, "t", "acc", {"a"}, {1.5}); }), ErrorKind::kBadData);
  EXPECT_FALSE(fs::exists(png));
  EXPECT_FALSE(fs::exists(png + ".tmp"));
}

TEST_F(Charts, ThreadsDrawOneAtATime) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([this, t] {
      LineChart(Path("t" + std::to_string(t) + ".png"), "t", "x", "y", {0, 1},
                {{"", {0.0, 1.0 * t}}});
    });
  }
  for (auto& t : threads) t.join();
  for (int t = 0; t < 3; ++t)
    EXPECT_EQ(ReadPngSize(Path("t" + std::to_string(t) + ".png")).width, 800);
}

// ---- the choices charts make, as numbers ----

TEST_F(Charts, DetChartOnALogAxisWithZeroesAtItsFloor) {
  const std::vector<Curve> curves{{"yes", {0, 0.5, 3, 12}, {0.4, 0.2, 0.1, 0}},
                                  {"no", {0, 0, 2}, {1, 0.5, 0.25}}};
  DetChart(Path("det.png"), "DET", curves, 1.0);
  EXPECT_EQ(ReadPngSize(Path("det.png")).width, 800);
  EXPECT_EQ(ReadPngSize(Path("det.png")).height, 500);
  EXPECT_DOUBLE_EQ(DetChartFloor(curves, 1.0), 0.25);  // half the smallest rate seen
  EXPECT_DOUBLE_EQ(DetChartFloor(curves, 0.2), 0.1);   // a lower target counts too
  EXPECT_DOUBLE_EQ(DetChartFloor({{"a", {0, 0}, {1, 0.5}}}, -1), 0.1);
  DetChart(Path("none.png"), "DET", {{"a", {0, 0}, {1, 0.5}}}, -1);  // no false alarm anywhere
  EXPECT_EQ(ReadPngSize(Path("none.png")).width, 800);
  EXPECT_THROW(DetChart(Path("bad.png"), "DET", {}, 1), Error);
  EXPECT_THROW(DetChart(Path("bad.png"), "DET", {{"a", {1, 2}, {0.5}}}, 1), Error);
  EXPECT_THROW(DetChart(Path("bad.png"), "DET", {{"a", {-1}, {0.5}}}, 1), Error);
  EXPECT_THROW(DetChart(Path("bad.png"), "DET", {{"a", {1}, {1.5}}}, 1), Error);
  EXPECT_FALSE(fs::exists(Path("bad.png")));
}

TEST(ChartChoices, OneEpochSitsInTheMiddleAndAccuracyStaysInZeroToOne) {
  const AxisRange x = LineChartXRange({1.0});
  EXPECT_DOUBLE_EQ(x.lo, 0.0);
  EXPECT_DOUBLE_EQ(x.hi, 2.0);
  const AxisRange acc = LineChartYRange({{"train", {0.4}}, {"validation", {0.4}}});
  EXPECT_DOUBLE_EQ(acc.lo, 0.0);  // 0.4 - 0.5 would be below any accuracy
  EXPECT_DOUBLE_EQ(acc.hi, 0.9);
  const AxisRange perfect = LineChartYRange({{"", {1.0}}});
  EXPECT_DOUBLE_EQ(perfect.lo, 0.5);
  EXPECT_DOUBLE_EQ(perfect.hi, 1.0);
  // Several epochs: the data's span, padded 6 %, clamped at 0 and 1.
  const AxisRange close = LineChartYRange({{"", {0.02, 0.5, 0.99}}});
  EXPECT_DOUBLE_EQ(close.lo, 0.0);
  EXPECT_DOUBLE_EQ(close.hi, 1.0);
  const AxisRange x3 = LineChartXRange({1, 2, 3});
  EXPECT_DOUBLE_EQ(x3.lo, 1.0);
  EXPECT_DOUBLE_EQ(x3.hi, 3.0);
  // A loss above 1 is not clamped at 1; a negative series keeps its range.
  const AxisRange loss = LineChartYRange({{"", {2.0, 1.0, NAN}}});
  EXPECT_DOUBLE_EQ(loss.lo, 0.94);
  EXPECT_DOUBLE_EQ(loss.hi, 2.06);
  const AxisRange signed_values = LineChartYRange({{"", {-1.0, 1.0}}});
  EXPECT_DOUBLE_EQ(signed_values.lo, -1.12);
  EXPECT_DOUBLE_EQ(signed_values.hi, 1.12);
}

TEST(ChartChoices, TheZoomCentresTheLoudestStretch) {
  // One second of silence with a 200-sample burst at 8000..8199.
  std::vector<float> x(16000, 0.0f);
  for (size_t i = 8000; i < 8200; ++i) x[i] = 0.5f * std::sin(0.3 * static_cast<double>(i));
  const size_t start = LoudestWindowStart(x, 500);
  EXPECT_LE(start, 8000u);
  EXPECT_GE(start + 500, 8200u);
  EXPECT_NEAR(static_cast<double>(start) + 250, 8100.0, 2.0);
  // A faint hiss everywhere and a loud burst near the end.
  std::vector<float> y(8000, 0.001f);
  for (size_t i = 7000; i < 7900; ++i) y[i] = (i % 2 ? 0.8f : -0.8f);
  EXPECT_GE(LoudestWindowStart(y, 500), 7000u);
  EXPECT_LE(LoudestWindowStart(y, 500), 7400u);
  // Silent or short clips start at 0.
  EXPECT_EQ(LoudestWindowStart(std::vector<float>(16000, 0.0f), 500), 0u);
  EXPECT_EQ(LoudestWindowStart(std::vector<float>(300, 0.5f), 500), 0u);
}

TEST(ChartChoices, MfccRowsAreStandardisedForDisplay) {
  // c0 near -300, c1 small: after scaling both rows span the same range.
  const std::vector<float> m = {-300, -310, -290, -300, 1, 3, 1, 3, 7, 7, 7, 7};
  const std::vector<float> z = StandardizeRows(m, 3, 4);
  ASSERT_EQ(z.size(), m.size());
  const float expected[] = {0, static_cast<float>(-10 / std::sqrt(50.0)), static_cast<float>(10 / std::sqrt(50.0)), 0,
                            -1, 1, -1, 1, 0, 0, 0, 0};
  for (size_t i = 0; i < z.size(); ++i) EXPECT_NEAR(z[i], expected[i], 1e-5) << i;
  EXPECT_THROW(StandardizeRows(m, 2, 4), Error);
}

}  // namespace
}  // namespace earshot::plots
