// `earshot features` end to end: the numbers it writes are the front end's,
// and --plots draws the waveform and the feature image.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "../run_earshot.h"
#include "../temp_dir.h"
#include "earshot/audio/decode.h"
#include "earshot/features/frontend.h"
#include "earshot/util/files.h"
#include "earshot/util/npy.h"

namespace earshot {
namespace {

using testing::kWithPlots;
using testing::RunEarshot;

// A rising chirp with a little deterministic hiss: every feature sees some
// energy in most bins.
std::vector<float> Chirp(int sample_rate, double seconds) {
  std::vector<float> x(static_cast<size_t>(seconds * sample_rate));
  uint32_t hiss = 1;
  for (size_t i = 0; i < x.size(); ++i) {
    const double t = static_cast<double>(i) / sample_rate;
    hiss = hiss * 1664525u + 1013904223u;
    x[i] = static_cast<float>(0.4 * std::sin(2 * M_PI * (200 + 3000 * t) * t) +
                              0.01 * (static_cast<double>(hiss >> 8) / (1 << 24) - 0.5));
  }
  return x;
}

TEST(FeaturesCli, NpyHoldsTheFrontEndOutputAndPlotsAreDrawn) {
  const auto dir = testing::ScratchDir("features_cli");
  const std::string wav = (dir / "x.wav").string(), npy = (dir / "x.npy").string(),
                    plots = (dir / "plots").string();
  const std::vector<float> x = Chirp(16000, 0.5);
  WriteWav(wav, x, 16000, /*float_samples=*/true);
  const testing::CommandResult r = RunEarshot("features " + wav + " --set feature=mfcc --set n_mfcc=13 --npy " + npy +
                                              (kWithPlots ? " --plots " + plots : ""));
  ASSERT_EQ(r.status, 0) << r.output;
  FrontEndOptions o;
  o.feature = "mfcc";
  o.n_mfcc = 13;
  FrontEnd fe(o);
  const std::vector<float> want = fe.Compute(x);
  const NpyArray got = ReadNpy(npy);
  EXPECT_EQ(got.shape, fe.OutputShape(8000));
  ASSERT_EQ(got.data.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) ASSERT_FLOAT_EQ(got.data[i], want[i]) << i;
  if (!kWithPlots) return;
  for (const char* png : {"waveform.png", "mfcc.png"}) {
    const std::string bytes = ReadFile(plots + "/" + png);
    ASSERT_GT(bytes.size(), 1000u) << png;
    EXPECT_EQ(bytes.substr(1, 3), "PNG") << png;
  }
}

TEST(FeaturesCli, EveryChannelIsDrawnAndNamedAndMfccRowsAreScaled) {
  if (!kWithPlots) GTEST_SKIP() << "built without plots (EARSHOT_WITH_PLOTS=OFF)";
  const auto dir = testing::ScratchDir("features_cli_channels");
  const std::string wav = (dir / "x.wav").string();
  WriteWav(wav, Chirp(16000, 0.5), 16000);
  const std::string plots = (dir / "multi").string();
  const testing::CommandResult multi =
      RunEarshot("features " + wav + " --set multi_n_fft=256,512 --set multi_win_length=200,400 "
                 "--set n_fft=512 --npy " + (dir / "x.npy").string() + " --plots " + plots);
  ASSERT_EQ(multi.status, 0) << multi.output;
  EXPECT_NE(multi.output.find("mel_1.png: x.wav: mel (log), channel 1 of 2 (n_fft 256)"), std::string::npos)
      << multi.output;
  EXPECT_NE(multi.output.find("mel_2.png: x.wav: mel (log), channel 2 of 2 (n_fft 512)"), std::string::npos)
      << multi.output;
  EXPECT_TRUE(FileExists(plots + "/mel_1.png"));
  EXPECT_TRUE(FileExists(plots + "/mel_2.png"));
  const testing::CommandResult mfcc = RunEarshot("features " + wav + " --set feature=mfcc --npy " +
                                                 (dir / "m.npy").string() + " --plots " + (dir / "mfcc").string());
  ASSERT_EQ(mfcc.status, 0) << mfcc.output;
  EXPECT_NE(mfcc.output.find("mfcc.png: x.wav: mfcc (log), each coefficient scaled to mean 0, sd 1"),
            std::string::npos)
      << mfcc.output;
}

TEST(FeaturesCli, BadOptionsAndFilesAreNamed) {
  const auto dir = testing::ScratchDir("features_cli_bad");
  const testing::CommandResult missing = RunEarshot("features " + (dir / "missing.wav").string());
  EXPECT_NE(missing.status, 0);
  EXPECT_NE(missing.output.find("missing.wav: missing"), std::string::npos) << missing.output;
  const std::string wav = (dir / "x.wav").string();
  WriteWav(wav, Chirp(16000, 0.2), 16000);
  const testing::CommandResult bad =
      RunEarshot("features " + wav + " --set n_mels=200 --set n_fft=256 --set win_length=200");
  EXPECT_NE(bad.status, 0);
  EXPECT_NE(bad.output.find("--features.n_mels (200)"), std::string::npos) << bad.output;
}

}  // namespace
}  // namespace earshot
