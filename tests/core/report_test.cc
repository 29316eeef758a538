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
#include "earshot/util/error.h"
#include "earshot/util/files.h"
#include "../support/fake_run.h"
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
  const std::vector<float> x{0.0f, 0.5f, -0.5f, 1.0f, -1.0f, 2.0f};
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
  EXPECT_NEAR(back[5], 1.0f, 1e-4);  // clipped
  EXPECT_THROW(WavBytes(x, 0), Error);
}

// ---- a run directory written by hand ----

using earshot::testing::MakeFakeRun;
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

}  // namespace
}  // namespace earshot::report
