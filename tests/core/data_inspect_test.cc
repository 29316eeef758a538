// The statistics `earshot inspect` prints, from the library: headers,
// durations per split, unreadable files and levels.
#include <gtest/gtest.h>

#include <numeric>

#include "data_fixtures.h"
#include "earshot/audio/decode.h"
#include "earshot/data/inspect.h"
#include "earshot/data/readers.h"

namespace earshot {
namespace {

namespace fs = std::filesystem;
using testing_data::FreshDir;
using testing_data::SineWithPeak;
using testing_data::WriteClip;
using testing_data::WriteText;

TEST(InspectAudio, RatesDurationsUnreadableAndLevels) {
  const fs::path root = FreshDir() / "set";
  WriteClip(root / "a" / "one.wav", 16000, 1600);   // 0.1 s
  WriteClip(root / "a" / "two.wav", 8000, 1600);    // 0.2 s
  WriteText(root / "b" / "broken.wav", "RIFF, but not really");
  WriteWav((root / "b" / "loud.wav").string(), SineWithPeak(800, 1.5f), 8000, true);  // 0.1 s, float
  DataOptions o;
  o.root = root.string();
  o.layout = "folder";
  o.split = "none";
  const Dataset ds = ReadDataset(o);
  ASSERT_EQ(ds.clips.size(), 4u);

  const AudioReport r = InspectAudio(ds, 2);
  EXPECT_EQ(r.readable, 3);
  EXPECT_EQ(r.sample_rates.at("16000"), 1);
  EXPECT_EQ(r.sample_rates.at("8000"), 2);
  EXPECT_EQ(r.channels.at("1"), 3);
  ASSERT_EQ(r.unreadable.size(), 1u);
  EXPECT_NE(r.unreadable[0].path.find("broken.wav"), std::string::npos);
  EXPECT_FALSE(r.unreadable[0].reason.empty());
  std::vector<double> all;
  for (const auto& [split, d] : r.durations) all.insert(all.end(), d.begin(), d.end());
  ASSERT_EQ(all.size(), 3u);
  EXPECT_NEAR(std::accumulate(all.begin(), all.end(), 0.0), 0.4, 1e-9);
  EXPECT_EQ(r.levels.all.clips, 3);
  EXPECT_EQ(r.levels.all.above_full_scale, 1);
  EXPECT_NEAR(r.levels.all.largest_peak, 1.5f, 1e-4f);
}

TEST(SummarizeDurations, OrderStatisticsAndHistogram) {
  const DurationSummary s = SummarizeDurations({4.0, 1.0, 3.0, 2.0});
  EXPECT_EQ(s.count, 4);
  EXPECT_EQ(s.min, 1.0);
  EXPECT_EQ(s.max, 4.0);
  EXPECT_EQ(s.mean, 2.5);
  EXPECT_EQ(s.median, 2.5);
  EXPECT_EQ(s.total, 10.0);
  ASSERT_EQ(s.counts.size(), 20u);
  ASSERT_EQ(s.edges.size(), 21u);
  EXPECT_EQ(s.counts.front(), 1);
  EXPECT_EQ(s.counts.back(), 1);  // the max falls in the last bin
  EXPECT_EQ(std::accumulate(s.counts.begin(), s.counts.end(), 0), 4);
  EXPECT_EQ(SummarizeDurations({1.0, 1.0, 1.0}).counts, std::vector<int>{3});  // one bin
  EXPECT_EQ(SummarizeDurations({1.0, 2.0, 9.0}).median, 2.0);
  EXPECT_EQ(SummarizeDurations({}).count, 0);
}

}  // namespace
}  // namespace earshot
