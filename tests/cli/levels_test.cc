// `earshot inspect` measures the levels of clips and .npz rows.
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "../core/data_fixtures.h"
#include "../run_earshot.h"
#include "earshot/audio/decode.h"
#include "earshot/util/npy.h"
#include "earshot/util/npz.h"

namespace earshot {
namespace {

namespace fs = std::filesystem;
using testing_data::SineWithPeak;

// Runs `earshot inspect ARGS` and parses its JSON.
nlohmann::json Inspect(const std::string& args) {
  const testing::CommandResult r = testing::RunEarshot("inspect " + args, testing::Capture::kStdout);
  EXPECT_EQ(r.status, 0) << r.output;
  return nlohmann::json::parse(r.output);
}

// `inspect` on a set with known clipped clips.
TEST(InspectLevels, CountsPeaksAndClippingPerClass) {
  const fs::path root = testing::FreshDir();
  auto write = [&](const std::string& word, const std::string& name, std::vector<float> x, bool as_float) {
    fs::create_directories(root / word);
    WriteWav((root / word / (name + "_nohash_0.wav")).string(), x, 16000, as_float);
  };
  std::vector<float> clipped = SineWithPeak(8000, 1.5f);
  for (float& v : clipped) v = std::clamp(v, -1.0f, 1.0f);
  std::vector<float> loud_clipped = SineWithPeak(8000, 2.0f);
  for (float& v : loud_clipped) v = std::clamp(v, -1.2f, 1.2f);
  write("yes", "aaaa0001", SineWithPeak(8000, 0.5f), false);
  write("yes", "aaaa0002", clipped, false);              // 16-bit, flat at full scale
  write("yes", "aaaa0003", SineWithPeak(8000, 1.05f), true);  // float, above full scale
  write("no", "bbbb0001", SineWithPeak(8000, 0.3f), false);
  write("no", "bbbb0002", loud_clipped, true);           // float, flat at 1.2
  const nlohmann::json j = Inspect(root.string());
  std::map<std::string, nlohmann::json> levels;
  for (const auto& c : j.at("classes")) levels[c.at("name").get<std::string>()] = c.at("levels");
  ASSERT_EQ(levels.size(), 2u) << j.dump();
  EXPECT_EQ(levels["yes"].at("clips"), 3);
  EXPECT_EQ(levels["yes"].at("at_full_scale"), 2);
  EXPECT_EQ(levels["yes"].at("above_full_scale"), 1);
  EXPECT_EQ(levels["yes"].at("clipped"), 1);
  EXPECT_NEAR(levels["yes"].at("largest_peak").get<double>(), 1.05, 1e-5);
  EXPECT_EQ(levels["no"].at("clips"), 2);
  EXPECT_EQ(levels["no"].at("at_full_scale"), 1);
  EXPECT_EQ(levels["no"].at("above_full_scale"), 1);
  EXPECT_EQ(levels["no"].at("clipped"), 1);
  EXPECT_NEAR(levels["no"].at("largest_peak").get<double>(), 1.2, 1e-5);
  const nlohmann::json& all = j.at("audio").at("levels");
  EXPECT_EQ(all.at("clips"), 5);
  EXPECT_EQ(all.at("at_full_scale"), 3);
  EXPECT_EQ(all.at("above_full_scale"), 2);
  EXPECT_EQ(all.at("clipped"), 2);
}

// .npz rows in `inspect`: levels per row, and the rows that break the rule
// listed with the bad files.
TEST(InspectLevels, NpzRowsAreMeasuredAndBadRowsListed) {
  const fs::path root = testing::FreshDir();
  const int rows = 4, width = 800;
  std::vector<float> x;
  for (float peak : {0.5f, 1.3f, 0.7f, 0.2f}) {
    const std::vector<float> row = SineWithPeak(width, peak, 220);
    x.insert(x.end(), row.begin(), row.end());
  }
  x[2 * width + 13] = std::numeric_limits<float>::quiet_NaN();
  const std::string npz = (root / "set.npz").string();
  WriteNpz(npz, {{"wav_vals", EncodeNpy({rows, width}, x.data())},
                 {"label_vals", EncodeNpyStrings({rows, 1}, {"a", "b", "a", "b"})}});
  const nlohmann::json j = Inspect(npz + " --set split=none");
  const nlohmann::json& all = j.at("audio").at("levels");
  EXPECT_EQ(all.at("clips"), 3);
  EXPECT_EQ(all.at("above_full_scale"), 1);
  EXPECT_NEAR(all.at("largest_peak").get<double>(), 1.3, 1e-5);
  EXPECT_EQ(j.at("audio").at("readable"), 3);
  ASSERT_EQ(j.at("bad_files").size(), 1u) << j.dump();
  EXPECT_EQ(j.at("bad_files")[0].at("path"), npz + ": row 2 (2)");
  EXPECT_EQ(j.at("bad_files")[0].at("reason"), "sample 13 is NaN");
}

}  // namespace
}  // namespace earshot
