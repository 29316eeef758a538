// `earshot inspect` on small generated sets: the JSON numbers, the --list
// CSV and the pictures.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include <nlohmann/json.hpp>

#include "../core/data_fixtures.h"
#include "../run_earshot.h"

namespace earshot {
namespace {

namespace fs = std::filesystem;
using testing_data::FreshDir;
using testing_data::WriteClip;
using testing_data::WriteText;

// Runs the binary; returns stdout and sets the exit status.
std::string RunEarshot(const std::string& args, int* status) {
  const testing::CommandResult r = testing::RunEarshot(args, testing::Capture::kStdout);
  *status = r.status;
  return r.output;
}

// 16-bit PCM WAV with `channels` interleaved channels of silence.
void WriteMultichannel(const fs::path& path, int channels, int rate, int frames) {
  auto u32 = [](std::string& s, uint32_t v) { for (int i = 0; i < 4; ++i) s += char(v >> (8 * i)); };
  auto u16 = [](std::string& s, uint16_t v) { s += char(v & 255); s += char(v >> 8); };
  const uint32_t data = static_cast<uint32_t>(frames * channels * 2);
  std::string h = "RIFF";
  u32(h, 36 + data);
  h += "WAVEfmt ";
  u32(h, 16);
  u16(h, 1);
  u16(h, static_cast<uint16_t>(channels));
  u32(h, static_cast<uint32_t>(rate));
  u32(h, static_cast<uint32_t>(rate * channels * 2));
  u16(h, static_cast<uint16_t>(channels * 2));
  u16(h, 16);
  h += "data";
  u32(h, data);
  WriteText(path, h + std::string(data, '\0'));
}

TEST(DataInspect, FreesoundSetCountsRatesAndBadFiles) {
  fs::path root = FreshDir();
  WriteText(root / "train.csv",
            "fname,label,manually_verified\n"
            "a.wav,Bark,1\nb.wav,Bark,0\nc.wav,Bark,1\n"
            "d.wav,Hi-hat,1\ne.wav,Hi-hat,0\nbroken.wav,Hi-hat,1\nmissing.wav,Cello,0\n");
  WriteClip(root / "audio_train" / "a.wav", 16000, 8000);   // 0.5 s
  WriteClip(root / "audio_train" / "b.wav", 16000, 16000);  // 1 s
  WriteClip(root / "audio_train" / "c.wav", 44100, 88200);  // 2 s
  WriteClip(root / "audio_train" / "d.wav", 44100, 44100);  // 1 s
  WriteMultichannel(root / "audio_train" / "e.wav", 2, 16000, 24000);  // 1.5 s, stereo
  WriteText(root / "audio_train" / "broken.wav", "this is not a sound");

  int status = 0;
  std::string out = RunEarshot("inspect " + root.string() + " --set split=none", &status);
  ASSERT_EQ(status, 0) << out;
  nlohmann::json j = nlohmann::json::parse(out);
  EXPECT_EQ(j["layout"], "csv");
  EXPECT_EQ(j["clips"], 7);
  ASSERT_EQ(j["classes"].size(), 3u);
  EXPECT_EQ(j["classes"][0]["name"], "Bark");
  EXPECT_EQ(j["classes"][0]["clips"], 3);
  EXPECT_EQ(j["classes"][0]["verified"], 2);
  EXPECT_EQ(j["classes"][0]["unverified"], 1);
  EXPECT_EQ(j["classes"][1]["name"], "Cello");
  EXPECT_EQ(j["classes"][1]["unverified"], 1);
  EXPECT_EQ(j["classes"][2]["clips"], 3);
  EXPECT_EQ(j["splits"]["train"], 7);

  const auto& audio = j["audio"];
  EXPECT_EQ(audio["readable"], 5);
  EXPECT_EQ(audio["sample_rates"]["16000"], 3);
  EXPECT_EQ(audio["sample_rates"]["44100"], 2);
  EXPECT_EQ(audio["channels"]["1"], 4);
  EXPECT_EQ(audio["channels"]["2"], 1);
  EXPECT_DOUBLE_EQ(audio["duration"]["min"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(audio["duration"]["max"].get<double>(), 2.0);
  EXPECT_DOUBLE_EQ(audio["duration"]["total"].get<double>(), 6.0);
  EXPECT_DOUBLE_EQ(audio["duration"]["median"].get<double>(), 1.0);
  int binned = 0;
  for (int c : audio["duration"]["histogram"]["counts"]) binned += c;
  EXPECT_EQ(binned, 5);

  ASSERT_EQ(j["bad_files"].size(), 2u);
  std::string reasons = j["bad_files"].dump();
  EXPECT_NE(reasons.find("broken.wav: not a sound file"), std::string::npos) << reasons;
  EXPECT_NE(reasons.find("missing.wav: missing"), std::string::npos) << reasons;
}

TEST(DataInspect, SpeechCommandsListAndWantedWords) {
  fs::path root = FreshDir() / "sc";
  for (const char* w : {"yes", "no", "cat"}) {
    for (int s = 0; s < 5; ++s) {
      WriteClip(root / w / ("spk" + std::to_string(s) + "_nohash_0.wav"));
    }
  }
  WriteClip(root / "_background_noise_" / "noise.wav", 16000, 32000);
  WriteText(root / "validation_list.txt", "yes/spk0_nohash_0.wav\nno/spk0_nohash_0.wav\n");

  int status = 0;
  std::string out = RunEarshot("inspect " + root.string() +
                            " --set wanted_words=yes,no --set unknown_percentage=50", &status);
  ASSERT_EQ(status, 0) << out;
  nlohmann::json j = nlohmann::json::parse(out);
  EXPECT_EQ(j["layout"], "speech_commands");
  EXPECT_EQ(j["classes"][0]["name"], "_silence_");
  EXPECT_EQ(j["classes"][1]["name"], "_unknown_");
  // train: 8 wanted -> ceil(0.8) = 1 silence, ceil(4) = 4 unknown of the 5
  // cat clips; validation: 2 wanted -> 1 silence, no cat clip to draw from.
  EXPECT_EQ(j["classes"][0]["train"], 1);
  EXPECT_EQ(j["classes"][0]["validation"], 1);
  EXPECT_EQ(j["classes"][1]["train"], 4);
  EXPECT_EQ(j["classes"][1]["validation"], 0);
  EXPECT_EQ(j["clips"], 16);
  EXPECT_EQ(j["silence"], 2);
  EXPECT_EQ(j["noise_files"]["files"], 1);
  EXPECT_DOUBLE_EQ(j["noise_files"]["seconds"].get<double>(), 2.0);
  EXPECT_EQ(j["audio"]["readable"], 14);
  EXPECT_TRUE(j["bad_files"].empty());

  std::string list = RunEarshot("inspect " + root.string() + " --list", &status);
  ASSERT_EQ(status, 0);
  EXPECT_EQ(list.substr(0, list.find('\n')), "id,path,label,split,fold,verified,silence");
  EXPECT_NE(list.find("yes/spk0_nohash_0.wav," + (root / "yes" / "spk0_nohash_0.wav").string() +
                      ",yes,validation,-1,1,0\n"),
            std::string::npos)
      << list;
  EXPECT_NE(list.find("cat/spk1_nohash_0.wav," + (root / "cat" / "spk1_nohash_0.wav").string() +
                      ",cat,train,-1,1,0\n"),
            std::string::npos);
  EXPECT_EQ(std::count(list.begin(), list.end(), '\n'), 16);

  // Bad options fail with the option's name.
  const testing::CommandResult bad = testing::RunEarshot("inspect " + root.string() + " --set folds=x");
  EXPECT_NE(bad.status, 0);
  EXPECT_NE(bad.output.find("--data.folds should be an integer. Given: 'x'"), std::string::npos) << bad.output;
}

TEST(DataInspect, PlotsAreWritten) {
  if (!testing::kWithPlots) GTEST_SKIP() << "built without plots (EARSHOT_WITH_PLOTS=OFF)";
  fs::path root = FreshDir();
  WriteText(root / "train.csv", "fname,label,manually_verified\na.wav,Bark,1\nb.wav,Cello,0\n");
  WriteClip(root / "audio_train" / "a.wav", 16000, 8000);
  WriteClip(root / "audio_train" / "b.wav", 16000, 16000);
  int status = 0;
  RunEarshot("inspect " + (root / "train.csv").string() + " --plots " + (root / "pics").string(), &status);
  ASSERT_EQ(status, 0);
  for (const char* f : {"classes.png", "durations.png"}) {
    std::ifstream in(root / "pics" / f, std::ios::binary);
    char magic[8] = {0};
    in.read(magic, 8);
    EXPECT_EQ(std::memcmp(magic, "\x89PNG\r\n\x1a\n", 8), 0) << f;
  }
}

}  // namespace
}  // namespace earshot
