// `earshot eval-stream` end to end on a made stream: a small tone spotter
// trained by the binary, tones placed at known times in noise. Its counts
// equal the events of `earshot stream` scored here with the library's
// scoring, its files are written, the thresholds it stores are the ones
// `earshot stream` then uses, and bad input is named.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "../run_earshot.h"
#include "../temp_dir.h"
#include "../tone_keywords.h"
#include "earshot/audio/decode.h"
#include "earshot/stream/scoring.h"
#include "earshot/util/files.h"

namespace earshot {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::RunEarshot;

constexpr int kRate = testing::kToneKeywordRate;

class EvalStreamCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!testing::kWithTorch) return;
    dir_ = new fs::path(testing::ScratchDir("eval_stream_cli"));
    fs::remove_all(*dir_);
    testing::WriteToneKeywordSet(*dir_ / "data", 12);
    std::ofstream(*dir_ / "tones.toml")
        << "name = \"tones\"\n[data]\nroot = \"" << (*dir_ / "data").string() << "\"\n"
        << "wanted_words = [\"high\", \"low\"]\nsplit = \"stratified\"\nvalidation_fraction = 0.2\n"
           "test_fraction = 0.2\nsilence_percentage = 50\nunknown_percentage = 50\n"
           "[features]\nsample_rate = 8000\nn_fft = 256\nwin_length = 200\nhop_length = 80\nn_mels = 20\n"
           "center = false\n[model]\nname = \"seed003_dummy_2d\"\n[train]\nepochs = 6\nthreads = 1\nseed = 1\n"
           "normalize = \"global\"\n[loader]\nbatch_size = 8\nthreads = 1\n[store]\nthreads = 1\n";
    trained_ = new testing::CommandResult(RunEarshot("train " + (*dir_ / "tones.toml").string() +
                                                     " --no-report --out " + (*dir_ / "tones").string()));
    // The tones as keywords; mid is none.
    std::vector<testing::PlacedTone> placed;
    const std::vector<float> x = testing::ToneKeywordStream(&placed);
    std::ostringstream truth, spans;
    spans << "label,start_ms,end_ms\n";
    for (const auto& p : placed) {
      truth << (p.label == "mid" ? "_unknown_" : p.label) << "," << p.start_ms << "\n";
      spans << p.label << "," << p.start_ms << "," << p.start_ms + 1000 << "\n";
    }
    WriteWav(Path("stream.wav"), x, kRate);
    std::ofstream(Path("stream.truth.csv")) << truth.str();
    std::ofstream(Path("stream.spans.csv")) << spans.str();
  }
  static void TearDownTestSuite() {
    if (dir_) fs::remove_all(*dir_);
    delete dir_;
    delete trained_;
    dir_ = nullptr;
  }
  void SetUp() override {
    if (!testing::kWithTorch) GTEST_SKIP() << "eval-stream needs the LibTorch part";
    ASSERT_EQ(trained_->status, 0) << trained_->output;
  }
  static std::string Path(const std::string& name) { return (*dir_ / name).string(); }
  static std::string Bundle() { return (*dir_ / "tones" / "model" / "best.bundle").string(); }
  static fs::path* dir_;
  static testing::CommandResult* trained_;
};
fs::path* EvalStreamCli::dir_ = nullptr;
testing::CommandResult* EvalStreamCli::trained_ = nullptr;

// `earshot stream BUNDLE` over the stream, its events as scored.
std::vector<FoundWord> StreamEvents(const std::string& bundle, const std::string& wav) {
  const auto r = RunEarshot("stream " + bundle + " " + wav + " --output-format csv", testing::Capture::kStdout);
  EXPECT_EQ(r.status, 0) << r.output;
  std::vector<FoundWord> out;
  std::istringstream in(r.output);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::istringstream row(line);
    std::string start, end, label;
    std::getline(row, start, ',');
    std::getline(row, end, ',');
    std::getline(row, label, ',');
    out.push_back({label, std::stod(start), std::stod(end)});
  }
  return out;
}

void ExpectRates(const json& got, const KeywordRates& want) {
  EXPECT_EQ(got["words"].get<int64_t>(), want.words) << got.dump();
  EXPECT_EQ(got["found"].get<int64_t>(), want.found) << got.dump();
  EXPECT_EQ(got["false_alarms"].get<int64_t>(), want.false_alarms) << got.dump();
  EXPECT_NEAR(got["false_alarms_per_hour"].get<double>(), want.false_alarms_per_hour, 1e-6) << got.dump();
}

TEST_F(EvalStreamCli, CountsEqualTheStreamsEventsScoredAndThresholdsAreStored) {
  // A copy: the thresholds are written into it.
  const std::string bundle = Path("copy.bundle");
  fs::copy_file(Bundle(), bundle, fs::copy_options::overwrite_existing);
  const std::vector<TruthWord> truth = ReadTruthFile(Path("stream.truth.csv"));
  const double hours = 40.0 / 3600;
  const std::vector<std::string> keywords{"high", "low"};

  const std::vector<FoundWord> before = StreamEvents(bundle, Path("stream.wav"));
  const StreamScore s = ScoreEvents(truth, before, 750);
  const StreamRates rates = RatesOf(s, truth, before, keywords, hours);
  ASSERT_GT(rates.overall.words, 0);

  const std::string out = Path("eval");
  const auto r = RunEarshot("eval-stream " + bundle + " " + Path("stream.wav") + " " + Path("stream.truth.csv") +
                                " --spans " + Path("stream.spans.csv") + " --out " + out +
                                " --target-fa-per-hour 100 --write-thresholds --sweep-step 0.05",
                            testing::Capture::kStdout);
  ASSERT_EQ(r.status, 0) << r.output;
  const json j = json::parse(r.output);
  EXPECT_EQ(j["events"].get<size_t>(), before.size());
  EXPECT_EQ(j["tensorflow"]["ground_truth"].get<int64_t>(), s.counts.ground_truth);
  EXPECT_EQ(j["tensorflow"]["matched"].get<int64_t>(), s.counts.matched);
  EXPECT_EQ(j["tensorflow"]["correct"].get<int64_t>(), s.counts.correct);
  EXPECT_EQ(j["tensorflow"]["wrong"].get<int64_t>(), s.counts.wrong);
  EXPECT_EQ(j["tensorflow"]["false_positives"].get<int64_t>(), s.counts.false_positives);
  ASSERT_EQ(j["keywords"].size(), 2u);
  for (size_t k = 0; k < 2; ++k) ExpectRates(j["keywords"][k], rates.keywords[k]);
  ExpectRates(j["overall"], rates.overall);
  EXPECT_NEAR(j["hours"].get<double>(), hours, 1e-9);
  // Every tone has its span: each keyword found is measured.
  EXPECT_EQ(j["latency"]["measured"].get<int64_t>(), rates.overall.found);
  EXPECT_EQ(j["latency"]["without_span"].get<int64_t>(), 0);
  EXPECT_LE(j["latency"]["median_ms"].get<double>(), j["latency"]["p95_ms"].get<double>());
  // The sweep: 0.05 .. 0.95 and the tail.
  EXPECT_EQ(j["det"]["thresholds"].size(), 19u + 5u);
  EXPECT_EQ(j["det"]["keywords"]["high"]["false_reject_rate"].size(), 24u);

  // The files.
  EXPECT_EQ(json::parse(ReadFile(out + "/metrics.json")), j);
  EXPECT_EQ(ReadFile(out + "/det.png").substr(1, 3), "PNG");
  const std::string page = ReadFile(out + "/report.html");
  EXPECT_NE(page.find("<img src=\"data:image/png;base64,"), std::string::npos);
  EXPECT_NE(page.find("Operating point"), std::string::npos);
  std::istringstream events(ReadFile(out + "/events.csv"));
  std::string line;
  std::getline(events, line);
  EXPECT_EQ(line, "start_ms,end_ms,label,score,outcome,truth_label,truth_ms");
  size_t rows = 0, correct = 0;
  while (std::getline(events, line)) {
    ++rows;
    correct += line.find(",correct,") != std::string::npos ? 1 : 0;
  }
  EXPECT_EQ(rows, before.size());
  EXPECT_EQ(static_cast<int64_t>(correct), s.counts.correct);
  std::istringstream det(ReadFile(out + "/det.csv"));
  std::getline(det, line);
  EXPECT_EQ(line, "threshold,label,false_reject_rate,false_alarms_per_hour,false_alarms,found,words");

  // The thresholds stored are those chosen, and `earshot stream` now gives
  // the events the operating point was scored on.
  const json& op = j["operating_point"];
  ASSERT_EQ(op["chosen"].size(), 2u);
  const std::vector<FoundWord> after = StreamEvents(bundle, Path("stream.wav"));
  const StreamRates at = RatesOf(ScoreEvents(truth, after, 750), truth, after, keywords, hours);
  for (size_t k = 0; k < 2; ++k) ExpectRates(op["keywords"][k], at.keywords[k]);
  ExpectRates(op["overall"], at.overall);
  const auto again = RunEarshot("eval-stream " + bundle + " " + Path("stream.wav") + " " + Path("stream.truth.csv") +
                                    " --sweep-step 0.25",
                                testing::Capture::kStdout);
  ASSERT_EQ(again.status, 0) << again.output;
  const json k = json::parse(again.output)["keywords"];
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(k[i]["label"], op["chosen"][i]["label"]);
    EXPECT_DOUBLE_EQ(k[i]["threshold"].get<double>(), op["chosen"][i]["threshold"].get<double>());
  }
}

TEST_F(EvalStreamCli, BadInputIsNamed) {
  const std::string wav = Path("stream.wav");
  const std::string truth = Path("stream.truth.csv");
  auto expect = [](const std::string& args, const std::vector<std::string>& words) {
    const auto r = RunEarshot("eval-stream " + args);
    EXPECT_EQ(r.status, 1) << args << "\n" << r.output;
    EXPECT_NE(r.output.find("error: "), std::string::npos) << r.output;
    for (const auto& w : words) EXPECT_NE(r.output.find(w), std::string::npos) << w << " in:\n" << r.output;
  };
  const std::string bad = Path("bad.truth.csv");
  std::ofstream(bad) << "high,1300\nlow,4x\n";
  expect(Bundle() + " " + wav + " " + bad, {bad + " line 2", "'4x'"});
  std::ofstream(bad) << "high,1300\n\nmaybe,4000\n";
  expect(Bundle() + " " + wav + " " + bad, {bad + " line 3", "'maybe'", "high"});
  std::ofstream(bad) << "high,1300\nlow,90000\n";
  expect(Bundle() + " " + wav + " " + bad, {bad + " line 2", "past the end", wav});
  std::ofstream(bad) << "high,1300,1\n";
  expect(Bundle() + " " + wav + " " + bad, {bad + " line 1", "two fields"});
  expect(Bundle() + " " + wav + " " + truth + " --write-thresholds", {"--target-fa-per-hour"});
  expect(Bundle() + " " + wav + " " + truth + " --tolerance-ms -5", {"--tolerance-ms should be >= 0. Given: -5"});
  expect(Bundle() + " " + wav + " " + truth + " --sweep-step 0", {"--sweep-step should be in"});
  expect(Bundle() + " " + wav + " " + truth + " --suppression-ms -1", {"--suppression-ms"});
  expect(Bundle() + " " + wav + " " + truth + " --threshold maybe=0.5", {"'maybe'"});
  expect(Bundle() + " " + Path("none.wav") + " " + truth, {"none.wav"});
  expect(Bundle() + " " + wav + " " + Path("none.csv"), {"none.csv"});
  const std::string spans = Path("bad.spans.csv");
  std::ofstream(spans) << "label,start_ms,end_ms\nhigh,1300,900\n";
  expect(Bundle() + " " + wav + " " + truth + " --spans " + spans, {spans, "row 1", "comes before"});
  const std::string blip = Path("blip.wav");
  WriteWav(blip, testing::GaussianNoise(kRate / 2, 0.01f, 3), kRate);
  expect(Bundle() + " " + blip + " " + truth, {blip, "shorter than the model's window"});
}

}  // namespace
}  // namespace earshot
