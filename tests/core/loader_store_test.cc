// The clip store and the parallel load: quantisation, resampling, bad files.
#include <cmath>
#include <fstream>
#include <limits>

#include <gtest/gtest.h>

#include "earshot/data/load_clips.h"
#include "earshot/util/error.h"
#include "loader_test_util.h"

namespace earshot {
namespace {

using testing::Noise;
using testing::TempDir;
using testing::Wav;

ClipRef Clip(const std::string& path, int label) {
  ClipRef c;
  c.path = path;
  c.id = path;
  c.label = label;
  return c;
}

TEST(ClipStoreTest, RoundTripWithinOneQuantisationStep) {
  ClipStore store(16000);
  std::vector<float> x = Noise(20000, 1.0f, 7);
  x[0] = 1.0f;  // the largest error: 1 maps to 32767 / 32768
  x[1] = -1.0f;
  const int64_t row = store.Append(x.data(), static_cast<int64_t>(x.size()));
  std::vector<float> y = store.Read(row);
  ASSERT_EQ(y.size(), x.size());
  double worst = 0;
  for (size_t i = 0; i < x.size(); ++i) worst = std::max(worst, std::abs(double(x[i]) - y[i]));
  EXPECT_LE(worst, 1.0 / 32768 + 1e-9);
  EXPECT_GT(worst, 0.4 / 32768);  // really quantised
  EXPECT_EQ(y[1], -1.0f);
  EXPECT_EQ(store.Bytes() >= static_cast<int64_t>(x.size() * 2), true);
  EXPECT_LT(store.Bytes(), static_cast<int64_t>(x.size() * 2 + 1024));
}

TEST(ClipStoreTest, CompactKeepsOrderAndSamples) {
  ClipStore store(8000);
  std::vector<std::vector<float>> clips;
  std::vector<int64_t> lengths;
  for (int i = 0; i < 5; ++i) {
    clips.push_back(Noise(100 + 37 * i, 0.5f, i));
    lengths.push_back(static_cast<int64_t>(clips.back().size()));
  }
  store.Reserve(lengths);
  for (int i = 0; i < 5; ++i) store.Write(i, clips[i].data());
  std::vector<int64_t> moved = store.Compact({true, false, true, false, true});
  EXPECT_EQ(moved, (std::vector<int64_t>{0, -1, 1, -1, 2}));
  ASSERT_EQ(store.NumClips(), 3);
  EXPECT_EQ(store.TotalSamples(), lengths[0] + lengths[2] + lengths[4]);
  for (int old : {0, 2, 4}) {
    std::vector<float> y = store.Read(moved[old]);
    ASSERT_EQ(static_cast<int64_t>(y.size()), lengths[old]);
    for (size_t k = 0; k < y.size(); ++k) EXPECT_NEAR(y[k], clips[old][k], 1.0 / 32768);
  }
}

TEST(LoadClipsTest, SixteenBitFilesAreStoredExactly) {
  TempDir dir;
  Dataset ds;
  std::vector<std::vector<float>> decoded;
  for (int i = 0; i < 12; ++i) {
    std::string path = Wav(dir, "c" + std::to_string(i) + ".wav", Noise(1000 + i, 0.7f, i));
    decoded.push_back(DecodeFile(path));
    ds.clips.push_back(Clip(path, i % 3));
  }
  StoreOptions o;
  o.threads = 2;
  LoadedClips loaded = LoadClips(ds, 16000, o);
  EXPECT_TRUE(loaded.bad.bad.empty());
  EXPECT_EQ(loaded.bad.files, 12);
  ASSERT_EQ(loaded.clips.NumClips(), 12);
  for (int i = 0; i < 12; ++i) {
    ASSERT_EQ(loaded.row[i], i);
    EXPECT_EQ(loaded.clips.Read(i), decoded[i]);  // 16-bit PCM round trips exactly
  }
}

TEST(LoadClipsTest, ResamplesAndKeepsSilenceAndNoiseApart) {
  TempDir dir;
  Dataset ds;
  ds.clips.push_back(Clip(Wav(dir, "a.wav", Noise(16000, 0.3f, 1)), 0));
  ds.clips.push_back(Clip(Wav(dir, "b.wav", Noise(12000, 0.3f, 2)), 1));
  ds.clips.push_back(ClipRef{});  // silence: no path, no array row
  ds.noise_files.push_back(Wav(dir, "noise.wav", Noise(48000, 0.2f, 3), 48000));
  LoadedClips loaded = LoadClips(ds, 8000, StoreOptions{});
  EXPECT_EQ(loaded.clips.sample_rate(), 8000);
  EXPECT_EQ(loaded.clips.Length(loaded.row[0]), 8000);
  EXPECT_EQ(loaded.clips.Length(loaded.row[1]), 6000);
  EXPECT_EQ(loaded.row[2], LoadedClips::kSilence);
  ASSERT_EQ(loaded.noise.NumClips(), 1);
  EXPECT_EQ(loaded.noise.Length(0), 8000);  // 1 s at 48 kHz -> 1 s at 8 kHz
}

TEST(LoadClipsTest, ArrayRowsAreResampledAndNonFiniteRowsReported) {
  Dataset ds;
  ds.root = "speech_wav_8000.npz";
  ds.array_samples = 800;
  ds.array_rate = 8000;
  for (int r = 0; r < 3; ++r) {
    std::vector<float> row = Noise(800, 0.5f, 10 + r);
    ds.array.insert(ds.array.end(), row.begin(), row.end());
    ClipRef c;
    c.array_row = r;
    c.id = "row" + std::to_string(r);
    ds.clips.push_back(c);
  }
  ds.array[2 * 800 + 5] = std::numeric_limits<float>::infinity();
  StoreOptions o;
  o.max_bad_fraction = 0.5;
  LoadedClips loaded = LoadClips(ds, 16000, o);
  EXPECT_EQ(loaded.clips.Length(loaded.row[0]), 1600);
  EXPECT_EQ(loaded.row[2], LoadedClips::kBad);
  ASSERT_EQ(loaded.bad.bad.size(), 1u);
  EXPECT_NE(loaded.bad.bad[0].path.find("row 2"), std::string::npos);
  EXPECT_EQ(loaded.bad.bad[0].reason, "sample 5 is infinite");
}

// Four kinds of broken file next to 20 good ones.
struct BrokenSet {
  TempDir dir;
  Dataset ds;
  BrokenSet() {
    for (int i = 0; i < 20; ++i) {
      ds.clips.push_back(Clip(Wav(dir, "good" + std::to_string(i) + ".wav", Noise(800, 0.5f, i)), 0));
    }
    const std::string truncated = Wav(dir, "truncated.wav", Noise(8000, 0.5f, 99));
    std::filesystem::resize_file(truncated, 1000);
    std::ofstream(dir.File("text.wav")) << "this is not a sound file, only some words\n";
    std::ofstream(dir.File("empty.wav"));
    ds.clips.push_back(Clip(truncated, 1));
    ds.clips.push_back(Clip(dir.File("text.wav"), 1));
    ds.clips.push_back(Clip(dir.File("empty.wav"), 1));
    ds.clips.push_back(Clip(dir.File("missing.wav"), 1));
  }
};

TEST(LoadClipsTest, SkipsAndNamesEveryBadFileWithItsReason) {
  BrokenSet set;
  StoreOptions o;
  o.max_bad_fraction = 0.25;  // 4 of 24 = 0.167
  LoadedClips loaded = LoadClips(set.ds, 16000, o);
  EXPECT_EQ(loaded.clips.NumClips(), 20);
  ASSERT_EQ(loaded.bad.bad.size(), 4u);
  EXPECT_NEAR(loaded.bad.Fraction(), 4.0 / 24, 1e-12);
  const std::vector<std::string> reasons = {"truncated", "not a sound file", "zero-length", "missing"};
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(loaded.bad.bad[i].path, set.ds.clips[20 + i].path);
    EXPECT_NE(loaded.bad.bad[i].reason.find(reasons[i]), std::string::npos) << loaded.bad.bad[i].reason;
    EXPECT_EQ(loaded.row[20 + i], LoadedClips::kBad);
  }
  const std::string summary = loaded.bad.Summary();
  EXPECT_NE(summary.find("4 of 24 files unreadable"), std::string::npos) << summary;
  for (size_t i = 20; i < 24; ++i) EXPECT_NE(summary.find(set.ds.clips[i].path), std::string::npos);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(loaded.row[i], i);
}

TEST(LoadClipsTest, UnreadableClipsAreLeftOutOfEverySplit) {
  BrokenSet set;
  for (auto& c : set.ds.clips) {
    c.split = Split::kTrain;
    c.fold = 1;
  }
  StoreOptions o;
  o.max_bad_fraction = 0.25;
  const LoadedClips loaded = LoadClips(set.ds, 16000, o);
  LeaveOutUnreadable(set.ds, loaded);
  for (size_t i = 0; i < set.ds.clips.size(); ++i) {
    EXPECT_EQ(set.ds.clips[i].split, i < 20 ? Split::kTrain : Split::kNone) << i;
    EXPECT_EQ(set.ds.clips[i].fold, i < 20 ? 1 : -1) << i;
  }
  ASSERT_FALSE(set.ds.notes.empty());
  EXPECT_EQ(set.ds.notes.back(), "4 unreadable clips left out of every split (split none)");
}

TEST(LoadClipsTest, FailModeThrowsNamingEveryBadFile) {
  BrokenSet set;
  StoreOptions o;
  o.on_bad_file = "fail";
  o.max_bad_fraction = 1.0;
  try {
    LoadClips(set.ds, 16000, o);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kBadData);
    const std::string m = e.what();
    EXPECT_NE(m.find("on_bad_file = fail"), std::string::npos) << m;
    for (size_t i = 20; i < 24; ++i) EXPECT_NE(m.find(set.ds.clips[i].path), std::string::npos) << m;
  }
}

TEST(LoadClipsTest, SkipModeFailsAboveTheBadFraction) {
  BrokenSet set;
  StoreOptions o;
  o.max_bad_fraction = 0.1;  // 4 of 24 is more
  try {
    LoadClips(set.ds, 16000, o);
    FAIL() << "no error";
  } catch (const Error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("max_bad_fraction = 0.1"), std::string::npos) << m;
    EXPECT_NE(m.find("missing.wav"), std::string::npos) << m;
  }
}

TEST(StoreOptionsTest, RefusesValuesOutOfRange) {
  StoreOptions o;
  o.on_bad_file = "ignore";
  try {
    o.Validate();
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("on_bad_file"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("'ignore'"), std::string::npos);
  }
  o = StoreOptions{};
  o.max_bad_fraction = 1.5;
  EXPECT_THROW(o.Validate(), Error);
  o = StoreOptions{};
  o.threads = 0;
  EXPECT_THROW(o.Validate(), Error);
}

}  // namespace
}  // namespace earshot
