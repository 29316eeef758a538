// Scoring a stream with a trained bundle: the sweep re-smooths the kept
// posteriors into the detector's own events, thresholds written into a
// bundle read back (checksum valid, the detector uses them), bad input.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "../option_keys.h"
#include "../temp_dir.h"
#include "earshot/audio/decode.h"
#include "earshot/inference/bundle.h"
#include "earshot/inference/bundle_thresholds.h"
#include "earshot/stream/stream_eval.h"
#include "earshot/training/trainer.h"
#include "earshot/util/error.h"
#include "earshot/util/files.h"
#include "tone_bundles.h"

namespace earshot {
namespace {

namespace fs = std::filesystem;
using testing::kToneRate;
using testing::Tone;

class StreamEvalTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(testing::ScratchDir("stream_eval"));
    fs::remove_all(*dir_);
    testing::WriteToneSet(*dir_ / "data", {{"high", 1800.0}, {"low", 300.0}, {"mid", 900.0}});
    TrainRecipe(testing::TinyRecipe((*dir_ / "data").string(), 1), (*dir_ / "run").string(), false);
    // 20 s of quiet with a 1 s tone every 3 s, cycling high, low, mid.
    std::vector<float> x(static_cast<size_t>(20 * kToneRate), 0.f);
    std::ostringstream truth;
    const char* labels[] = {"high", "low", "mid"};
    const double hz[] = {1810, 305, 905};
    for (int i = 0; i < 6; ++i) {
      const size_t at = static_cast<size_t>((1.0 + 3.0 * i) * kToneRate);
      const auto t = Tone(hz[i % 3], kToneRate, 0.5 * i);
      std::copy(t.begin(), t.end(), x.begin() + static_cast<std::ptrdiff_t>(at));
      truth << labels[i % 3] << "," << 1000 + 3000 * i << "\n";
    }
    WriteWav(Path("stream.wav"), x, kToneRate);
    std::ofstream(Path("truth.csv")) << truth.str();
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
  }
  static std::string Path(const std::string& name) { return (*dir_ / name).string(); }
  static std::string Bundle() { return (*dir_ / "run" / "model" / "best.bundle").string(); }
  static fs::path* dir_;
};
fs::path* StreamEvalTest::dir_ = nullptr;

TEST_F(StreamEvalTest, TheSweepReSmoothsIntoTheDetectorsOwnEvents) {
  StreamEvalOptions o;
  o.sweep_step = 0.1;
  o.target_fa_per_hour = 200;
  o.stream.smoothing.detection_threshold = 0.7;  // a point of the sweep
  const StreamEvaluation e = EvaluateStream(Bundle(), {Path("stream.wav"), Path("truth.csv"), ""}, o);
  EXPECT_EQ(e.keywords, (std::vector<std::string>{"high", "low", "mid"}));  // no silence or unknown label
  EXPECT_DOUBLE_EQ(e.audio_ms, 20000);
  ASSERT_EQ(e.det.thresholds[6], 0.7);
  const StreamRates& swept = e.det.rates[6];
  ASSERT_EQ(swept.keywords.size(), e.rates.keywords.size());
  for (size_t k = 0; k < swept.keywords.size(); ++k) {
    EXPECT_EQ(swept.keywords[k].found, e.rates.keywords[k].found) << k;
    EXPECT_EQ(swept.keywords[k].false_alarms, e.rates.keywords[k].false_alarms) << k;
  }
  const StreamingCounts& c = e.score.counts;
  EXPECT_EQ(c.correct + c.wrong + c.false_positives, static_cast<int64_t>(e.events.size()));
  EXPECT_EQ(c.ground_truth, 6);
  ASSERT_EQ(e.operating.size(), 3u);
  ASSERT_TRUE(e.operating_rates.has_value());
  EXPECT_EQ(e.ChosenThresholds().size(), 3u);
  EXPECT_FALSE(e.latency.has_value());
}

TEST_F(StreamEvalTest, ThresholdsWrittenIntoABundleReadBack) {
  const std::string path = Path("thresholds.bundle");
  fs::copy_file(Bundle(), path, fs::copy_options::overwrite_existing);
  SetBundleThresholds(path, {{"high", 0.8}, {"mid", 0.55}});
  EXPECT_EQ(LoadBundle(path).info.thresholds, (std::map<std::string, double>{{"high", 0.8}, {"mid", 0.55}}));
  SetBundleThresholds(path, {{"mid", 0.6}, {"low", 0.9}});  // high kept
  const earshot::Bundle b = LoadBundle(path);  // the checksum holds
  EXPECT_EQ(b.info.thresholds, (std::map<std::string, double>{{"high", 0.8}, {"low", 0.9}, {"mid", 0.6}}));
  StreamingDetector d(path);
  EXPECT_DOUBLE_EQ(d.Threshold("low"), 0.9);
  // Refused without touching the file.
  const std::string bytes = ReadFile(path);
  for (const auto& bad : std::vector<std::map<std::string, double>>{{{"maybe", 0.5}}, {{"high", 1.5}}}) {
    try {
      SetBundleThresholds(path, bad);
      ADD_FAILURE() << "accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("'" + bad.begin()->first + "'"), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(ReadFile(path), bytes);
}

TEST_F(StreamEvalTest, BadInputAndOptionKeys) {
  StreamEvalOptions o;
  std::ofstream(Path("bad.csv")) << "high,1000\nmaybe,2000\n";
  try {
    EvaluateStream(Bundle(), {Path("stream.wav"), Path("bad.csv"), ""}, o);
    ADD_FAILURE() << "accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(Path("bad.csv") + " line 2: label 'maybe'"), std::string::npos) << e.what();
  }
  o.tolerance_ms = -1;
  EXPECT_THROW(EvaluateStream(Bundle(), {Path("stream.wav"), Path("truth.csv"), ""}, o), Error);
  EXPECT_GT(testing::CheckMessageKeys(StreamEvalOptions{}, ""), 0);
}

}  // namespace
}  // namespace earshot
