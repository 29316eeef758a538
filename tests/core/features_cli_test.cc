// `earshot features` end to end: the numbers it writes are the front end's,
// and --plots draws the waveform and the feature image.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "../temp_dir.h"
#include "earshot/audio/decode.h"
#include "earshot/features/frontend.h"
#include "earshot/synth/example.h"
#include "earshot/util/files.h"
#include "earshot/util/npy.h"

namespace earshot {
namespace {

int RunEarshot(const std::string& args, const std::string& log) {
  return std::system((std::string(EARSHOT_BINARY) + " " + args + " > " + log + " 2>&1").c_str());
}

TEST(FeaturesCli, NpyHoldsTheFrontEndOutputAndPlotsAreDrawn) {
  const auto dir = testing::ScratchDir("features_cli");
  const std::string wav = (dir / "x.wav").string(), npy = (dir / "x.npy").string(),
                    plots = (dir / "plots").string(), log = (dir / "log.txt").string();
  const std::vector<float> x = MakeExampleSound(16000, 0.5, 3);
  WriteWav(wav, x, 16000, /*float_samples=*/true);
  ASSERT_EQ(RunEarshot("features " + wav + " --set feature=mfcc --set n_mfcc=13 --npy " + npy +
                " --plots " + plots, log), 0) << ReadFile(log);
  FrontEndOptions o;
  o.feature = "mfcc";
  o.n_mfcc = 13;
  FrontEnd fe(o);
  const std::vector<float> want = fe.Compute(x);
  const NpyArray got = ReadNpy(npy);
  EXPECT_EQ(got.shape, fe.OutputShape(8000));
  ASSERT_EQ(got.data.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) ASSERT_FLOAT_EQ(got.data[i], want[i]) << i;
  for (const char* png : {"waveform.png", "mfcc.png"}) {
    const std::string bytes = ReadFile(plots + "/" + png);
    ASSERT_GT(bytes.size(), 1000u) << png;
    EXPECT_EQ(bytes.substr(1, 3), "PNG") << png;
  }
}

TEST(FeaturesCli, EveryChannelIsDrawnAndNamedAndMfccRowsAreScaled) {
  const auto dir = testing::ScratchDir("features_cli_channels");
  const std::string wav = (dir / "x.wav").string(), log = (dir / "log.txt").string();
  WriteWav(wav, MakeExampleSound(16000, 0.5, 3), 16000);
  const std::string plots = (dir / "multi").string();
  ASSERT_EQ(RunEarshot("features " + wav + " --set multi_n_fft=256,512 --set multi_win_length=200,400 "
                       "--set n_fft=512 --npy " + (dir / "x.npy").string() + " --plots " + plots, log), 0)
      << ReadFile(log);
  const std::string text = ReadFile(log);
  EXPECT_NE(text.find("mel_1.png: x.wav: mel (log), channel 1 of 2 (n_fft 256)"), std::string::npos) << text;
  EXPECT_NE(text.find("mel_2.png: x.wav: mel (log), channel 2 of 2 (n_fft 512)"), std::string::npos) << text;
  EXPECT_TRUE(FileExists(plots + "/mel_1.png"));
  EXPECT_TRUE(FileExists(plots + "/mel_2.png"));
  ASSERT_EQ(RunEarshot("features " + wav + " --set feature=mfcc --npy " + (dir / "m.npy").string() +
                       " --plots " + (dir / "mfcc").string(), log), 0) << ReadFile(log);
  EXPECT_NE(ReadFile(log).find("mfcc.png: x.wav: mfcc (log), each coefficient scaled to mean 0, sd 1"),
            std::string::npos) << ReadFile(log);
}

TEST(FeaturesCli, BadOptionsAndFilesAreNamed) {
  const auto dir = testing::ScratchDir("features_cli_bad");
  const std::string log = (dir / "log.txt").string();
  EXPECT_NE(RunEarshot("features " + (dir / "missing.wav").string(), log), 0);
  EXPECT_NE(ReadFile(log).find("missing.wav: missing"), std::string::npos) << ReadFile(log);
  const std::string wav = (dir / "x.wav").string();
  WriteWav(wav, MakeExampleSound(16000, 0.2, 1), 16000);
  EXPECT_NE(RunEarshot("features " + wav + " --set n_mels=200 --set n_fft=256 --set win_length=200", log), 0);
  EXPECT_NE(ReadFile(log).find("--features.n_mels (200)"), std::string::npos) << ReadFile(log);
}

}  // namespace
}  // namespace earshot
