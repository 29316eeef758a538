#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "earshot/audio/decode.h"
#include "earshot/plots/charts.h"
#include "earshot/report/base64.h"
#include "earshot/report/html.h"
#include "earshot/report/run_report.h"
#include "earshot/report/stream_report.h"
#include "earshot/util/error.h"
#include "earshot/util/files.h"
#include "../support/fake_run.h"
#include "earshot/util/npy.h"
#include "earshot/util/npz.h"
#include "../temp_dir.h"

namespace earshot::report {
namespace {

namespace fs = std::filesystem;

// ---- base64, escaping, WAV bytes ----

TEST(Base64, MatchesRfc4648Vectors) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foob"), "Zm9vYg==");
  EXPECT_EQ(Base64Encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Decode("Zm9vYg=="), "foob");
  EXPECT_EQ(Base64Decode("Zm9v\nYmE="), "fooba");
}

TEST(Base64, RoundTripsEveryByteValue) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  for (size_t n = 0; n < 7; ++n) {
    const std::string part = bytes.substr(n);
    EXPECT_EQ(Base64Decode(Base64Encode(part)), part) << n;
  }
}

TEST(Base64, RefusesTextOutsideTheAlphabet) {
  EXPECT_THROW(Base64Decode("Zm9"), Error);      // not whole groups
  EXPECT_THROW(Base64Decode("Zm9*"), Error);     // bad character
  EXPECT_THROW(Base64Decode("Z=9v"), Error);     // padding in the middle
  EXPECT_THROW(Base64Decode("Zg==Zm9v"), Error);  // padding before the end
  try {
    Base64Decode("ab$d", "page.html");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kBadData);
    EXPECT_NE(std::string(e.what()).find("page.html"), std::string::npos) << e.what();
  }
}

TEST(Html, EscapesMarkupCharacters) {
  EXPECT_EQ(EscapeHtml("a<b&c>\"d'"), "a&lt;b&amp;c&gt;&quot;d&#39;");
  EXPECT_EQ(EscapeHtml("plain text"), "plain text");
  EXPECT_EQ(DataUri("image/png", "foo"), "data:image/png;base64,Zm9v");
}

uint32_t Le(const std::string& b, size_t at, int bytes) {
  uint32_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(b[at + static_cast<size_t>(i)]);
  return v;
}

TEST(Html, WavBytesIsA16BitMonoWavThatDecodesBack) {
  const std::vector<float> x{0.0f, 0.5f, -0.5f, 1.0f, -1.0f, 0.75f};
  const std::string wav = WavBytes(x, 8000);
  ASSERT_EQ(wav.size(), 44u + 2 * x.size());
  EXPECT_EQ(wav.substr(0, 4), "RIFF");
  EXPECT_EQ(Le(wav, 4, 4), wav.size() - 8);
  EXPECT_EQ(wav.substr(8, 8), "WAVEfmt ");
  EXPECT_EQ(Le(wav, 20, 2), 1u);     // PCM
  EXPECT_EQ(Le(wav, 22, 2), 1u);     // mono
  EXPECT_EQ(Le(wav, 24, 4), 8000u);
  EXPECT_EQ(Le(wav, 34, 2), 16u);
  EXPECT_EQ(wav.substr(36, 4), "data");
  EXPECT_EQ(Le(wav, 40, 4), 2 * x.size());
  AudioInfo info;
  const auto back = DecodeMemory(wav.data(), wav.size(), "memory.wav", 0, &info);
  EXPECT_EQ(info.sample_rate, 8000);
  ASSERT_EQ(back.size(), x.size());
  EXPECT_NEAR(back[1], 0.5f, 1e-4);
  EXPECT_NEAR(back[2], -0.5f, 1e-4);
  EXPECT_NEAR(back[3], 1.0f, 1e-4);
  EXPECT_NEAR(back[5], 0.75f, 1e-4);
  EXPECT_THROW(WavBytes(x, 0), Error);
}

TEST(ReportWav, WrittenByLibsndfileAndAboveFullScaleAsFloat) {
  const std::vector<float> quiet{0.0f, 0.5f, -0.5f, 0.25f};
  const std::string pcm = WavBytes(quiet, 8000);
  AudioInfo info;
  std::vector<float> back = DecodeMemory(pcm.data(), pcm.size(), "quiet.wav", 0, &info);
  EXPECT_EQ(info.format, "WAV (Microsoft) Signed 16 bit PCM");
  EXPECT_EQ(info.sample_rate, 8000);
  ASSERT_EQ(back.size(), quiet.size());
  for (size_t i = 0; i < quiet.size(); ++i) EXPECT_NEAR(back[i], quiet[i], 1.0f / 32768.0f);
  const std::vector<float> loud{0.0f, 1.07f, -0.5f};
  const std::string flt = WavBytes(loud, 16000);
  back = DecodeMemory(flt.data(), flt.size(), "loud.wav", 0, &info);
  EXPECT_EQ(info.format, "WAV (Microsoft) 32 bit float");
  EXPECT_EQ(back, loud);
  EXPECT_THROW(WavBytes(quiet, 0), Error);
}

// ---- a run directory written by hand ----

using earshot::testing::MakeFakeRun;
using earshot::testing::Tone;
using earshot::testing::Write;
constexpr int kRate = earshot::testing::kFakeRunRate;
const char* const kOdd = earshot::testing::kFakeRunOddClass;

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

class RunReport : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = earshot::testing::ScratchDir("report");
    run_ = root_ / "run";
    MakeFakeRun(run_, root_ / "data");
  }
  void TearDown() override { fs::remove_all(root_); }
  fs::path root_, run_;
};

TEST_F(RunReport, HasEverySectionAndTheMetricsNumbers) {
  const std::string page = ReadFile(WriteRunReport(run_.string(), ReportOptions{}));
  EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
  for (const char* part : {"id=\"data\"", "id=\"model-model\"", "id=\"recipe\"", "Test metrics",
                           "Confusion matrix", "Weakest classes", "Most confident mistakes",
                           "Clips per class and split", "tiny &amp; quick"}) {
    EXPECT_NE(page.find(part), std::string::npos) << part;
  }
  // The metrics JSON's numbers, four decimals.
  for (const char* number : {"0.5000", "0.4444", "0.7222", "0.1234"}) {
    EXPECT_NE(page.find(number), std::string::npos) << number;
  }
  // Best epoch 2 from summary.json, highlighted in the log.
  EXPECT_NE(page.find("<tr class=\"best\"><td>2</td>"), std::string::npos);
  // The weakest class is the one with recall 0.1234, listed first.
  const size_t weakest = page.find("Weakest classes");
  EXPECT_LT(page.find("a&lt;b&amp;c&gt;</td><td>0.1234", weakest), page.find("<td class=\"name\">cat", weakest));
}

TEST_F(RunReport, OneValidWavPerConfidentMistakeMostConfidentFirst) {
  ReportOptions o;
  o.clip_seconds = 1.5;
  const std::string page = RenderRunReport(run_.string(), o);
  // Each player's source, up to its closing quote (std::regex would recurse
  // once per character of these long strings).
  const std::string prefix = "<audio controls preload=\"metadata\" src=\"data:audio/wav;base64,";
  size_t found = 0;
  for (size_t at = page.find(prefix); at != std::string::npos; at = page.find(prefix, at + 1)) {
    const size_t begin = at + prefix.size();
    const std::string wav = Base64Decode(page.substr(begin, page.find('"', begin) - begin));
    ASSERT_GE(wav.size(), 44u);
    EXPECT_EQ(wav.substr(0, 4), "RIFF");
    EXPECT_EQ(wav.substr(8, 4), "WAVE");
    // Trimmed to 1.5 s of 16-bit samples at the recipe's rate.
    EXPECT_EQ(wav.size(), 44u + 2u * static_cast<size_t>(1.5 * kRate));
    ++found;
  }
  EXPECT_EQ(found, 3u);
  EXPECT_EQ(Count(page, "<audio"), 3u);
  const size_t d2 = page.find("<b>d2.wav</b>"), o1 = page.find("<b>o1.wav</b>"), c2 = page.find("<b>c2.wav</b>");
  ASSERT_NE(d2, std::string::npos);
  ASSERT_NE(o1, std::string::npos);
  ASSERT_NE(c2, std::string::npos);
  EXPECT_LT(d2, o1);
  EXPECT_LT(o1, c2);
  EXPECT_EQ(page.find("<b>d1.wav</b>"), std::string::npos);  // right, so not a mistake

  o.mistakes = 2;
  EXPECT_EQ(Count(RenderRunReport(run_.string(), o), "<audio"), 2u);
}

// An .npz data set: the mistakes' audio comes from its rows, under the
// level rule of every decoded clip (a NaN row is noted, not played).
TEST_F(RunReport, NpzRowsFollowTheLevelRule) {
  const int width = 4000;
  std::vector<float> rows;
  for (int r = 0; r < 6; ++r) {
    const std::vector<float> tone = Tone(300 + 150 * r);
    rows.insert(rows.end(), tone.begin(), tone.begin() + width);
  }
  rows[1 * width + 3] = NAN;
  const fs::path npz = root_ / "data" / "set.npz";
  WriteNpz(npz.string(), {{"wav_vals", EncodeNpy({6, width}, rows.data())},
                          {"label_vals", EncodeNpyStrings({6, 1}, {"dog", "dog", "cat", "cat", kOdd, kOdd})}});
  Write(run_ / "recipe.toml",
        "name = \"npz run\"\ntask = \"single_label\"\n\n"
        "[data]\nlayout = \"npz\"\nroot = \"" + npz.string() + "\"\nsplit = \"none\"\n"
        "classes = [\"cat\", \"dog\", \"a<b&c>\"]\n\n"
        "[features]\nsample_rate = 8000\nwin_length = 240\nhop_length = 80\nn_fft = 256\n");
  Write(run_ / "model" / "predictions_test.csv",
        "id,cat,dog,a<b&c>\n0,0.1,0.8,0.1\n1,0.05,0.05,0.9\n2,0.7,0.2,0.1\n"
        "3,0.3,0.1,0.6\n4,0.7,0.1,0.2\n5,0.1,0.1,0.8\n");
  const std::string page = ReadFile(WriteRunReport(run_.string(), ReportOptions{}));
  EXPECT_NE(page.find("no audio: " + npz.string() + ": row 1: sample 3 is NaN"), std::string::npos);
  EXPECT_EQ(Count(page, "data:audio/wav;base64,"), 2u);  // rows 3 and 4 play
}

TEST_F(RunReport, IsSelfContainedAndEscaped) {
  const std::string page = RenderRunReport(run_.string(), ReportOptions{});
  EXPECT_EQ(page.find("http://"), std::string::npos);
  EXPECT_EQ(page.find("https://"), std::string::npos);
  // Every src is inline data: curve, confusion matrix, 3 spectrograms, 3 sounds.
  EXPECT_EQ(Count(page, "src=\""), Count(page, "src=\"data:"));
  EXPECT_EQ(Count(page, "src=\"data:image/png;base64,"), 5u);
  EXPECT_EQ(page.find("<script"), std::string::npos);
  EXPECT_EQ(page.find("<link"), std::string::npos);
  // Names from the files are escaped wherever they appear.
  EXPECT_EQ(page.find(kOdd), std::string::npos);
  EXPECT_EQ(page.find("<run>"), std::string::npos);
  EXPECT_EQ(page.find("<broken>"), std::string::npos);
  EXPECT_NE(page.find("a&lt;b&amp;c&gt;"), std::string::npos);
  EXPECT_NE(page.find("fake &lt;run&gt;"), std::string::npos);
  EXPECT_NE(page.find("&lt;broken&gt;.wav"), std::string::npos);
}

TEST_F(RunReport, FallsBackToValidationAndNotesMissingData) {
  fs::rename(run_ / "model" / "metrics_test.json", run_ / "model" / "metrics_validation.json");
  fs::rename(run_ / "model" / "predictions_test.csv", run_ / "model" / "predictions_validation.csv");
  fs::remove_all(root_ / "data");
  const std::string page = RenderRunReport(run_.string(), ReportOptions{});
  EXPECT_NE(page.find("Validation metrics"), std::string::npos);
  EXPECT_NE(page.find("0.7222"), std::string::npos);
  EXPECT_NE(page.find("the data set could not be read"), std::string::npos);
  EXPECT_EQ(Count(page, "<audio"), 0u);
}

TEST_F(RunReport, ShowsTheRobustnessTableOrNotesWhyNot) {
  const fs::path dir = run_ / "model" / "robustness";
  fs::create_directories(dir);
  Write(dir / "metrics.json",
        R"({"accuracy": 0.9, "robustness": {"metric": "accuracy", "clean": 0.9,)"
        R"( "rows": [{"corruption": "noise:snr=10", "accuracy": 0.75},)"
        R"( {"corruption": "tele<phone>", "accuracy": 0.625}]}})");
  std::string page = RenderRunReport(run_.string(), ReportOptions{});
  const size_t table = page.find("<h3>Robustness</h3>");
  ASSERT_NE(table, std::string::npos);
  EXPECT_LT(page.find("Weakest classes"), table);
  EXPECT_NE(page.find("<td class=\"name\">clean</td><td>0.9000</td>", table), std::string::npos);
  EXPECT_NE(page.find("noise:snr=10</td><td>0.7500</td><td>-0.1500</td>", table), std::string::npos);
  EXPECT_NE(page.find("tele&lt;phone&gt;</td><td>0.6250</td><td>-0.2750</td>", table), std::string::npos);
  // A file that is not such a table is named, and the page is still drawn.
  Write(dir / "metrics.json", R"({"accuracy": 0.9})");
  page = RenderRunReport(run_.string(), ReportOptions{});
  EXPECT_EQ(page.find("<h3>Robustness</h3>"), std::string::npos);
  EXPECT_NE(page.find("robustness/metrics.json: no robustness table"), std::string::npos);
  EXPECT_NE(page.find("Weakest classes"), std::string::npos);
}

TEST_F(RunReport, RefusesWhatIsNotARun) {
  try {
    RenderRunReport((root_ / "data").string(), ReportOptions{});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kIo);
    EXPECT_NE(std::string(e.what()).find("not a training run"), std::string::npos) << e.what();
  }
  EXPECT_THROW(RenderRunReport((root_ / "nowhere").string(), ReportOptions{}), Error);
  ReportOptions bad;
  bad.clip_seconds = 0;
  EXPECT_THROW(RenderRunReport(run_.string(), bad), Error);
}

TEST_F(RunReport, CountsReadAsEnglish) {
  // One epoch, one misclassified clip, the run's only model.
  Write(run_ / "summary.json", R"({"models": [{"dir": "run/model", "epochs_run": 1, "best_epoch": 1}],
  "seconds": 3.0, "train_clips_per_second": 0.0})");
  Write(run_ / "model" / "log.csv", "epoch,accuracy,loss,lr,val_accuracy,val_loss\n1,0.4,1.2,0.001,0.5,1.1\n");
  Write(run_ / "model" / "predictions_test.csv",
        "id,cat,dog,a<b&c>\nd1.wav,0.1,0.8,0.1\nd2.wav,0.05,0.05,0.9\nc1.wav,0.7,0.2,0.1\n");
  fs::rename(run_ / "model" / "metrics_test.json", run_ / "model" / "metrics_validation.json");
  fs::rename(run_ / "model" / "predictions_test.csv", run_ / "model" / "predictions_validation.csv");
  const std::string page = RenderRunReport(run_.string(), ReportOptions{});
  EXPECT_NE(page.find("<div class=\"v\">1</div><div class=\"k\">epoch run</div>"), std::string::npos);
  EXPECT_EQ(page.find("epochs run"), std::string::npos);
  EXPECT_NE(page.find("Epoch log (1 epoch)"), std::string::npos);
  EXPECT_NE(page.find("<h2>Model</h2>"), std::string::npos);
  EXPECT_EQ(page.find("Model model"), std::string::npos);
  EXPECT_NE(page.find("1 of 3 clips is misclassified; the one the model"), std::string::npos);
  EXPECT_NE(page.find("No test clips: these metrics are on the validation clips."), std::string::npos);
  EXPECT_EQ(page.find("clips'"), std::string::npos);
  EXPECT_EQ(page.find("clips/s"), std::string::npos);  // nothing trained: no rate
}

// Two soft-labelled clips of two classes, scored on validation.
void MakeSoftRun(const fs::path& run, const fs::path& data) {
  Write(data / "train_answer.csv", "id,left,right\ns1,0.75,0.25\ns2,0.25,0.75\n");
  fs::create_directories(data / "train");
  WriteWav((data / "train" / "s1.wav").string(), Tone(300), kRate);
  WriteWav((data / "train" / "s2.wav").string(), Tone(500), kRate);
  Write(run / "recipe.toml",
        "name = \"soft\"\ntask = \"soft_label\"\n\n[data]\nlayout = \"soft_csv\"\nroot = \"" +
            data.string() + "\"\nsplit = \"none\"\n\n[features]\nsample_rate = 8000\n");
  Write(run / "data.json", R"json({"root": "x", "layout": "soft_csv", "clips": 2, "classes": ["left", "right"],
  "counts": {"train": {"(soft)": 2}}})json");
  Write(run / "model" / "metrics_validation.json",
        R"({"rows": 2, "classes": ["left", "right"], "kl_divergence": 0.1})");
  Write(run / "model" / "predictions_validation.csv", "id,left,right\ns1,0.6,0.4\ns2,0.2,0.8\n");
}

TEST(StreamReport, ShowsTheRatesTheOperatingPointAndTheCurve) {
  const std::string metrics = R"({"bundle": "b<1>.bundle", "audio": "long.wav", "truth": "t.csv",
    "audio_seconds": 600, "tolerance_ms": 750,
    "tensorflow": {"ground_truth": 200, "matched": 190, "correct": 180, "wrong": 10, "false_positives": 7,
                   "matched_percent": 95, "correct_percent": 90, "wrong_percent": 5, "false_positive_percent": 3.5},
    "keywords": [{"label": "yes", "threshold": 0.7, "words": 100, "found": 91, "false_reject_rate": 0.09,
                  "false_alarms": 3, "false_alarms_per_hour": 18}],
    "overall": {"words": 100, "found": 91, "false_reject_rate": 0.09, "false_alarms": 3, "false_alarms_per_hour": 18},
    "latency": {"measured": 91, "without_span": 0, "median_ms": 412, "p95_ms": 655},
    "det": {"thresholds": [0.5, 0.9]},
    "operating_point": {"target_fa_per_hour": 1, "chosen": [{"label": "yes", "threshold": 0.93,
                        "false_reject_rate": 0.2, "false_alarms_per_hour": 0, "met": true}],
                        "keywords": [], "overall": {"words": 100, "found": 80, "false_reject_rate": 0.2,
                        "false_alarms": 0, "false_alarms_per_hour": 0}}})";
  testing::TempDir dir;
  const std::string png = dir.File("det.png");
  plots::DetChart(png, "DET", {{"yes", {0, 18}, {0.2, 0.09}}}, 1);
  const std::string page = RenderStreamReport(metrics, png);
  for (const char* part : {"b&lt;1&gt;.bundle", "<td class=\"name\">yes</td><td>0.7000</td><td>100</td><td>91</td>"
                           "<td>9.0%</td><td>3</td><td>18.00</td>", "180 (90.0%)", "median 412 ms",
                           "at most 1.00 false alarms per hour", "<td>0.9300</td><td>20.0%</td><td>0.00</td><td>yes</td>",
                           "over 2 values", "<img src=\"data:image/png;base64,"}) {
    EXPECT_NE(page.find(part), std::string::npos) << part;
  }
  EXPECT_EQ(page.find("b<1>"), std::string::npos);
  // Without an operating point or latency, those parts are left out.
  const std::string plain = RenderStreamReport(R"({"audio": "a.wav", "overall": {"false_reject_rate": 0.5}})", "");
  EXPECT_EQ(plain.find("Operating point"), std::string::npos);
  EXPECT_EQ(plain.find("latency"), std::string::npos);
  EXPECT_NE(plain.find("No DET chart"), std::string::npos);
  EXPECT_THROW(RenderStreamReport("[1, 2]", ""), Error);
  EXPECT_THROW(RenderStreamReport("{not json", ""), Error);
}

TEST(RunReportSoft, ShowsMeanSharesNotClassCounts) {
  const fs::path root = earshot::testing::FreshDir();
  MakeSoftRun(root / "run", root / "data");
  const std::string page = RenderRunReport((root / "run").string(), ReportOptions{});
  EXPECT_EQ(page.find("(soft)"), std::string::npos);
  EXPECT_EQ(page.find("Clips per class and split"), std::string::npos);
  EXPECT_NE(page.find("<h3>Clips per split</h3>\n<table class=\"counts\">\n<tr><th>train</th></tr>\n<tr><td>2</td>"),
            std::string::npos);
  // left: labels (0.75 + 0.25) / 2, predictions (0.6 + 0.2) / 2; right the rest.
  EXPECT_NE(page.find("<td class=\"name\">left</td><td>0.5000</td><td>0.4000</td><td>-0.1000</td>"),
            std::string::npos);
  EXPECT_NE(page.find("<td class=\"name\">right</td><td>0.5000</td><td>0.6000</td><td>0.1000</td>"),
            std::string::npos);
  EXPECT_NE(page.find("Over 2 clips"), std::string::npos);
  fs::remove_all(root);
}

// The demo recipes built on a real-data recipe say what they run, not what
// the recipe they start from runs.
TEST(DemoRecipes, DescribeThemselves) {
  const fs::path configs = fs::path(EARSHOT_FIXTURES) / ".." / ".." / "configs";
  int checked = 0;
  for (const auto& e : fs::directory_iterator(configs)) {
    if (e.path().extension() != ".toml") continue;
    const std::string text = ReadFile(e.path().string());
    const size_t table = text.find("\n[");
    const std::string top = text.substr(0, table);
    if (top.find("\nbase = ") == std::string::npos) continue;
    EXPECT_NE(top.find("\ndescription = \""), std::string::npos) << e.path() << " keeps its base's description";
    ++checked;
  }
  EXPECT_GE(checked, 7);
}
}  // namespace
}  // namespace earshot::report
