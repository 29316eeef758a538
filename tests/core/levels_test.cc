// Audio above full scale, whatever the container: the level rule
// (CheckLevels), the clip store's per-clip scale, .npz rows, a float WAV
// through the loader, and clipping statistics in `inspect`.
#include <cmath>
#include <algorithm>
#include <cstdio>
#include <functional>
#include <limits>
#include <map>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "data_fixtures.h"
#include "earshot/audio/levels.h"
#include "earshot/data/load_clips.h"
#include "earshot/data/loader.h"
#include "earshot/data/readers.h"
#include "earshot/data/summary.h"
#include "earshot/util/error.h"
#include "earshot/util/npy.h"
#include "earshot/util/npz.h"
#include "loader_test_util.h"

namespace earshot {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

using testing_data::SineWithPeak;

FrontEndOptions Waveform(int rate) {
  FrontEndOptions f;
  f.sample_rate = rate;
  f.feature = "waveform";
  return f;
}

std::string ErrorText(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Levels, CheckLevelsAcceptsOvershootAndRefusesNonFiniteAndAbsurdPeaks) {
  std::vector<float> x = SineWithPeak(1000, 1.07f);
  EXPECT_FLOAT_EQ(CheckLevels(x.data(), 1000, "a.wav"), 1.07f);
  x[13] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_EQ(ErrorText([&] { CheckLevels(x.data(), 1000, "a.wav"); }), "a.wav: sample 13 is NaN");
  x[13] = -std::numeric_limits<float>::infinity();
  EXPECT_EQ(ErrorText([&] { CheckLevels(x.data(), 1000, "a.wav"); }), "a.wav: sample 13 is infinite");
  x[13] = 1e6f;
  const std::string absurd = ErrorText([&] { CheckLevels(x.data(), 1000, "a.wav"); });
  EXPECT_NE(absurd.find("a.wav: sample 13 is 1e+06, above the limit of 1000"), std::string::npos) << absurd;
  x[13] = 1000.f;  // the limit itself is accepted
  EXPECT_FLOAT_EQ(CheckLevels(x.data(), 1000, "a.wav"), 1000.f);
}

// The peak is found four samples at a time with a scalar tail: wherever
// it, a NaN or a negative peak falls, any length gives the scalar answer.
TEST(Levels, CheckLevelsPeakAndNonFiniteAtEveryPositionAndLength) {
  for (int64_t n = 1; n <= 13; ++n) {
    for (int64_t at = 0; at < n; ++at) {
      std::vector<float> x(static_cast<size_t>(n));
      for (int64_t i = 0; i < n; ++i) x[static_cast<size_t>(i)] = (i % 2 ? -0.25f : 0.125f) * (i % 3 ? 1.f : 1e-40f);
      x[static_cast<size_t>(at)] = at % 2 ? -0.75f : 0.75f;
      const std::string where = "n=" + std::to_string(n) + " at=" + std::to_string(at);
      EXPECT_EQ(CheckLevels(x.data(), n, where), 0.75f) << where;
      x[static_cast<size_t>(at)] = -std::numeric_limits<float>::quiet_NaN();
      EXPECT_EQ(ErrorText([&] { CheckLevels(x.data(), n, "c.wav"); }), "c.wav: sample " + std::to_string(at) + " is NaN")
          << where;
      x[static_cast<size_t>(at)] = -2000.f;
      EXPECT_NE(ErrorText([&] { CheckLevels(x.data(), n, "c.wav"); }).find("sample " + std::to_string(at) + " is -2000"),
                std::string::npos)
          << where;
    }
  }
  EXPECT_EQ(CheckLevels(nullptr, 0, "empty"), 0.f);
  const std::vector<float> silent{0.f, -0.f, 0.f, -0.f, -0.f};
  EXPECT_EQ(CheckLevels(silent.data(), 5, "silent"), 0.f);
}

TEST(Levels, MeasureLevelsFindsFullScaleAndClippedRuns) {
  std::vector<float> clean = SineWithPeak(1600, 0.5f);
  ClipLevels l = MeasureLevels(clean.data(), 1600);
  EXPECT_FLOAT_EQ(l.peak, 0.5f);
  EXPECT_FALSE(l.at_full_scale);
  EXPECT_EQ(l.clipped_runs, 0);
  // A sine at 1.5 clipped to [-1, 1]: flat tops at +1 and -1, about 14
  // samples each, twice per 36-sample period.
  std::vector<float> clipped = SineWithPeak(1600, 1.5f);
  for (float& v : clipped) v = std::clamp(v, -1.0f, 1.0f);
  l = MeasureLevels(clipped.data(), 1600);
  EXPECT_FLOAT_EQ(l.peak, 1.0f);
  EXPECT_TRUE(l.at_full_scale);
  EXPECT_GE(l.clipped_runs, 80);
  EXPECT_LE(l.clipped_runs, 90);
  // Two samples at the peak are not a run; three are.
  std::vector<float> y(10, 0.1f);
  y[2] = y[3] = 0.8f;
  EXPECT_EQ(MeasureLevels(y.data(), 10).clipped_runs, 0);
  y[4] = 0.8f;
  EXPECT_EQ(MeasureLevels(y.data(), 10).clipped_runs, 1);
  y[5] = -0.8f;  // the run ends where the sign changes
  EXPECT_EQ(MeasureLevels(y.data(), 10).clipped_runs, 1);
  std::vector<float> silence(100, 0.f);
  EXPECT_EQ(MeasureLevels(silence.data(), 100).clipped_runs, 0);
}

TEST(ClipStoreLevels, RoundTripAtPeaksHalfFullOvershootAndThirty) {
  const std::vector<float> peaks{0.5f, 1.0f, 1.07f, 30.0f};
  ClipStore appended(16000), written(16000);
  std::vector<std::vector<float>> clips;
  std::vector<int64_t> lengths;
  for (float p : peaks) {
    clips.push_back(SineWithPeak(3000, p));
    lengths.push_back(3000);
  }
  written.Reserve(lengths);
  for (size_t i = 0; i < clips.size(); ++i) {
    appended.Append(clips[i].data(), 3000);
    written.Write(static_cast<int64_t>(i), clips[i].data());
  }
  for (const ClipStore* store : {&appended, &written}) {
    for (size_t i = 0; i < peaks.size(); ++i) {
      const std::vector<float> y = store->Read(static_cast<int64_t>(i));
      // One step of int16 at the clip's own scale: 1/32768 up to full scale.
      const float step = std::max(1.0f, peaks[i]) / 32767.0f;
      float worst = 0.f;
      for (size_t k = 0; k < y.size(); ++k) worst = std::max(worst, std::fabs(y[k] - clips[i][k]));
      EXPECT_LE(worst, step) << "peak " << peaks[i];
    }
    EXPECT_EQ(store->NumScaled(), 2);
    EXPECT_FLOAT_EQ(store->LargestPeak(), 30.0f);
    EXPECT_FLOAT_EQ(store->Scale(0), 1.0f / 32768.0f);
    EXPECT_FLOAT_EQ(store->Scale(1), 1.0f / 32768.0f);
    EXPECT_FLOAT_EQ(store->Scale(2), 1.07f / 32767.0f);
    EXPECT_FLOAT_EQ(store->Scale(3), 30.0f / 32767.0f);
    EXPECT_FLOAT_EQ(store->FullScale(1), 1.0f);
    EXPECT_FLOAT_EQ(store->FullScale(3), 30.0f);
  }
  // The old clipping: 30 would have read back as 1.
  const std::vector<float> thirty = appended.Read(3);
  EXPECT_NEAR(*std::max_element(thirty.begin(), thirty.end()), 30.0f, 1e-3f);
  // Compact keeps each scale with its clip.
  const std::vector<int64_t> moved = written.Compact({false, true, false, true});
  EXPECT_EQ(moved, (std::vector<int64_t>{-1, 0, -1, 1}));
  EXPECT_EQ(written.NumScaled(), 1);
  EXPECT_FLOAT_EQ(written.Scale(0), 1.0f / 32768.0f);
  EXPECT_FLOAT_EQ(written.Scale(1), 30.0f / 32767.0f);
  EXPECT_EQ(written.Read(1), appended.Read(3));
}

// An .npz like seed 001's: 8 kHz rows, some overshooting after resampling.
TEST(NpzLevels, OvershootingRowsAllLoadAndTheNotesCountThem) {
  const fs::path root = testing::FreshDir();
  const int rows = 6, width = 800;
  const std::vector<float> peaks{0.4f, 1.021011f, 0.9f, 1.3f, 0.99f, 250.0f};
  std::vector<float> x;
  for (float p : peaks) {
    const std::vector<float> row = SineWithPeak(width, p, 220);
    x.insert(x.end(), row.begin(), row.end());
  }
  const std::vector<std::string> labels{"yes", "no", "yes", "no", "yes", "no"};
  WriteNpz((root / "speech_wav_8000.npz").string(),
           {{"wav_vals", EncodeNpy({rows, width}, x.data())},
            {"label_vals", EncodeNpyStrings({rows, 1}, labels)}});
  DataOptions o;
  o.root = root.string();
  o.split = "none";
  const Dataset ds = ReadDataset(o);
  StoreOptions so;
  so.on_bad_file = "fail";
  const LoadedClips loaded = LoadClips(ds, 8000, so);
  ASSERT_EQ(loaded.clips.NumClips(), rows);
  EXPECT_TRUE(loaded.bad.bad.empty());
  for (int r = 0; r < rows; ++r) {
    const std::vector<float> y = loaded.clips.Read(loaded.row[static_cast<size_t>(r)]);
    const float step = std::max(1.0f, peaks[static_cast<size_t>(r)]) / 32767.0f;
    for (int k = 0; k < width; ++k) {
      ASSERT_NEAR(y[static_cast<size_t>(k)], x[static_cast<size_t>(r * width + k)], step) << "row " << r;
    }
  }
  EXPECT_EQ(loaded.clips.NumScaled(), 3);
  ASSERT_EQ(loaded.notes.size(), 1u);
  EXPECT_EQ(loaded.notes[0],
            "3 of 6 clips peak above full scale (largest peak 250); kept unclipped, each with its own scale");
}

TEST(NpzLevels, ANanRowAndAMillionRowEachGiveTheirError) {
  const fs::path root = testing::FreshDir();
  const int rows = 4, width = 100;
  std::vector<float> x(rows * width, 0.25f);
  x[1 * width + 13] = std::numeric_limits<float>::quiet_NaN();
  x[3 * width + 7] = 1e6f;
  WriteNpz((root / "set.npz").string(),
           {{"wav_vals", EncodeNpy({rows, width}, x.data())},
            {"label_vals", EncodeNpyStrings({rows, 1}, {"a", "b", "a", "b"})}});
  DataOptions o;
  o.root = (root / "set.npz").string();
  o.split = "none";
  const Dataset ds = ReadDataset(o);
  StoreOptions so;
  so.max_bad_fraction = 0.5;
  const LoadedClips loaded = LoadClips(ds, 8000, so);
  EXPECT_EQ(loaded.clips.NumClips(), 2);
  ASSERT_EQ(loaded.bad.bad.size(), 2u);
  EXPECT_EQ(loaded.bad.bad[0].path, o.root + ": row 1 (1)");
  EXPECT_EQ(loaded.bad.bad[0].reason, "sample 13 is NaN");
  EXPECT_EQ(loaded.bad.bad[1].path, o.root + ": row 3 (3)");
  EXPECT_NE(loaded.bad.bad[1].reason.find("sample 7 is 1e+06, above the limit of 1000"), std::string::npos)
      << loaded.bad.bad[1].reason;
  // With on_bad_file = fail the first one stops the load, named.
  so.on_bad_file = "fail";
  const std::string e = ErrorText([&] { LoadClips(ds, 8000, so); });
  EXPECT_NE(e.find("row 1 (1)"), std::string::npos) << e;
  EXPECT_NE(e.find("sample 13 is NaN"), std::string::npos) << e;
}

// A float WAV peaking at 1.05 reaches the training batches unclipped.
TEST(FloatWavLevels, TrainingBatchEqualsTheDecodedSamples) {
  TempDir dir;
  Dataset ds;
  ds.classes = {"tone"};
  std::vector<std::vector<float>> decoded;
  for (int i = 0; i < 3; ++i) {
    const std::string path = dir.File("loud" + std::to_string(i) + ".wav");
    WriteWav(path, SineWithPeak(8000, 1.05f, 300 + 100 * i), 16000, true);
    decoded.push_back(DecodeFile(path));
    ClipRef c;
    c.path = path;
    c.id = "loud" + std::to_string(i);
    c.label = 0;
    ds.clips.push_back(c);
  }
  ASSERT_NEAR(*std::max_element(decoded[0].begin(), decoded[0].end()), 1.05f, 1e-6f);
  const LoadedClips loaded = LoadClips(ds, 16000, StoreOptions{});
  FrontEnd fe(Waveform(16000));
  LoaderOptions o;
  o.batch_size = 3;
  o.shuffle = false;
  o.clip.seconds = 0.5;
  for (auto mode : {BatchLoader::Mode::kTrain, BatchLoader::Mode::kEval}) {
    BatchLoader loader(ds, loaded, {0, 1, 2}, fe, o, mode);
    loader.Start(0);
    auto batch = loader.Next();
    ASSERT_TRUE(batch);
    ASSERT_EQ(batch->size, 3);
    for (int64_t i = 0; i < 3; ++i) {
      const int64_t clip = batch->clips[static_cast<size_t>(i)];
      float top = 0.f;
      for (int64_t k = 0; k < 8000; ++k) {
        const float got = batch->features[static_cast<size_t>(i * 8000 + k)];
        ASSERT_NEAR(got, decoded[static_cast<size_t>(clip)][static_cast<size_t>(k)], 1.05f / 32767.0f);
        top = std::max(top, got);
      }
      EXPECT_NEAR(top, 1.05f, 1e-4f);  // not clipped at 1
    }
  }
  // Augmented, the clip is bounded by its own peak, not by 1.
  o.augment.gain = true;
  o.augment.gain_db_min = 6;
  o.augment.gain_db_max = 6;
  BatchLoader louder(ds, loaded, {0, 1, 2}, fe, o, BatchLoader::Mode::kTrain);
  louder.Start(0);
  auto batch = louder.Next();
  ASSERT_TRUE(batch);
  EXPECT_NEAR(*std::max_element(batch->features.begin(), batch->features.end()), 1.05f, 1e-4f);
}

}  // namespace
}  // namespace earshot
