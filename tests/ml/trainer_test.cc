// End-to-end training on a tiny generated set: learning, determinism,
// resume, monitors checked before training, the bundle round trip, and
// every recipe in configs/ loading.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <thread>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "../run_earshot.h"
#include "../temp_dir.h"
#include "earshot/audio/decode.h"
#include "earshot/eval/ensemble.h"
#include "earshot/inference/bundle.h"
#include "earshot/models/zoo.h"
#include "earshot/training/trainer.h"
#include "earshot/util/error.h"
#include "earshot/util/files.h"

namespace earshot {
namespace {

namespace fs = std::filesystem;

// Three "words": tones at 300, 900 and 2000 Hz with a random onset, level
// and a little noise; 14 clips each, 0.5 s at 8 kHz, speaker names hashed
// as Speech Commands does.
fs::path MakeToneSet(const std::string& name) {
  const fs::path root = testing::ScratchDir(name) / "data";
  fs::remove_all(root);
  const std::vector<std::pair<std::string, double>> words{{"low", 300}, {"mid", 900}, {"high", 2000}};
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (const auto& [word, freq] : words) {
    fs::create_directories(root / word);
    for (int i = 0; i < 14; ++i) {
      std::vector<float> x(4000, 0.f);
      const int onset = static_cast<int>(u(rng) * 1500);
      const double level = 0.2 + 0.5 * u(rng);
      for (int n = onset; n < onset + 2000; ++n) {
        x[static_cast<size_t>(n)] = static_cast<float>(level * std::sin(2 * M_PI * freq * n / 8000.0) +
                                                       0.02 * (u(rng) - 0.5));
      }
      char file[64];
      std::snprintf(file, sizeof(file), "%08x_nohash_0.wav", 0x1000 * (i + 1) + static_cast<int>(freq));
      WriteWav((root / word / file).string(), x, 8000);
    }
  }
  return root;
}

RecipeOptions TinyRecipe(const fs::path& root) {
  RecipeOptions r;
  r.name = "tones";
  r.data.layout = "speech_commands";
  r.data.root = root.string();
  r.data.split = "stratified";
  r.data.validation_fraction = 0.25;
  r.data.seed = 3;
  r.loader.batch_size = 8;
  r.loader.threads = 2;
  r.loader.clip.seconds = 0.5;
  r.loader.augment.shift = true;
  r.loader.augment.shift_ms = 20;
  r.features.sample_rate = 8000;
  r.features.n_fft = 256;
  r.features.win_length = 200;
  r.features.hop_length = 80;
  r.features.n_mels = 20;
  r.model.name = "ds_cnn";
  r.train.epochs = 4;
  r.train.threads = 1;
  r.train.optimizer.name = "adam";
  r.train.optimizer.lr = 0.01;
  r.train.checkpoint.monitor = "val_accuracy";
  return r;
}

std::vector<float> Weights(const std::string& bundle) {
  Bundle b = LoadBundle(bundle);
  std::vector<float> out;
  for (const auto& p : b.model->parameters()) {
    auto c = p.detach().contiguous().view(-1);
    out.insert(out.end(), c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
  }
  return out;
}

TEST(Trainer, LearnsTonesAndWritesTheRun) {
  const fs::path root = MakeToneSet("trainer_learns");
  const std::string out = (root.parent_path() / "run").string();
  fs::remove_all(out);
  RecipeOptions r = TinyRecipe(root);
  r.train.epochs = 6;
  const TrainSummary s = TrainRecipe(r, out, false);
  ASSERT_EQ(s.models.size(), 1u);
  const auto& m = s.models[0];
  EXPECT_EQ(m.epochs_run, 6);
  ASSERT_GE(m.best_epoch, 0);
  EXPECT_GE(m.best_metrics.at("val_accuracy"), 0.9) << "three tones should be easy";
  for (const char* f : {"log.csv", "log.jsonl", "best.bundle", "last.bundle", "checkpoint",
                        "split.csv", "metrics_validation.json", "predictions_validation.csv",
                        "curves_loss.png", "curves_accuracy.png"}) {
    EXPECT_TRUE(FileExists(m.dir + "/" + f)) << f;
  }
  // log.csv: a header and one row per epoch.
  const std::string log = ReadFile(m.dir + "/log.csv");
  EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 7);
  EXPECT_EQ(log.substr(0, log.find('\n')), "epoch,accuracy,loss,lr,val_accuracy,val_loss,val_map3");
  // Training speed per epoch, in the summary and in summary.json.
  ASSERT_EQ(m.epoch_clips_per_second.size(), 6u);
  for (double rate : m.epoch_clips_per_second) EXPECT_GT(rate, 0.0);
  const std::string summary = ReadFile(out + "/summary.json");
  EXPECT_NE(summary.find("\"train_clips_per_second_by_epoch\""), std::string::npos);

  // The bundle knows its labels and front end, and reproduces the exported
  // validation accuracy.
  Bundle b = LoadBundle(m.best_bundle);
  EXPECT_EQ(b.info.labels, (std::vector<std::string>{"high", "low", "mid"}));
  EXPECT_EQ(b.info.features.n_mels, 20);
  EXPECT_EQ(b.info.example_shape, (std::vector<int64_t>{1, 20, 51}));
  EXPECT_NE(m.validation_metrics_json.find("\"accuracy\""), std::string::npos);
}

// Process-wide settings are the caller's: training with train.threads = 2
// leaves LibTorch at the one thread the caller set, and the bundle records
// the count it trained with.
TEST(Trainer, LeavesTheComputeThreadsToTheCaller) {
  const fs::path root = MakeToneSet("trainer_threads");
  const std::string out = (root.parent_path() / "run").string();
  fs::remove_all(out);
  RecipeOptions r = TinyRecipe(root);
  r.train.epochs = 1;
  r.train.threads = 2;
  SetComputeThreads(1);
  const TrainSummary s = TrainRecipe(r, out, false);
  EXPECT_EQ(torch::get_num_threads(), 1);
  const Bundle b = LoadBundle(s.models.at(0).best_bundle);
  EXPECT_EQ(nlohmann::json::parse(b.info.provenance_json).at("threads").get<int>(), 1);
  EXPECT_THROW(SetComputeThreads(0), Error);
}

TEST(Trainer, SameSeedSameMetricsAndResumeEndsWhereAnUninterruptedRunWould) {
  const fs::path root = MakeToneSet("trainer_resume");
  const std::string a = (root.parent_path() / "a").string(), b = (root.parent_path() / "b").string(),
                    c = (root.parent_path() / "c").string();
  for (const auto& d : {a, b, c}) fs::remove_all(d);
  RecipeOptions r = TinyRecipe(root);
  TrainRecipe(r, a, false);
  TrainRecipe(r, c, false);
  // Same seed and threads: the same log, to the last digit.
  EXPECT_EQ(ReadFile(a + "/model/log.csv"), ReadFile(c + "/model/log.csv"));

  // Interrupted after 2 of 4 epochs, then resumed.
  RecipeOptions first = r;
  first.train.epochs = 2;
  TrainRecipe(first, b, false);
  EXPECT_NE(ReadFile(a + "/model/log.csv"), ReadFile(b + "/model/log.csv"));
  const TrainSummary resumed = TrainRecipe(r, b, true);
  EXPECT_EQ(ReadFile(a + "/model/log.csv"), ReadFile(b + "/model/log.csv"));
  // Its speed figures are for the epochs this process ran.
  EXPECT_EQ(resumed.models[0].epoch_clips_per_second.size(), 2u);
  EXPECT_EQ(Weights(a + "/model/last.bundle"), Weights(b + "/model/last.bundle"));

  // A run directory is not overwritten by a fresh run.
  try {
    TrainRecipe(r, a, false);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--resume"), std::string::npos) << e.what();
  }
}

TEST(Trainer, UnknownMonitorIsAnErrorBeforeTheFirstEpoch) {
  const fs::path root = MakeToneSet("trainer_monitor");
  const std::string out = (root.parent_path() / "run").string();
  fs::remove_all(out);
  RecipeOptions r = TinyRecipe(root);
  r.train.checkpoint.monitor = "val_acc";  // seed 000's mistake
  try {
    TrainRecipe(r, out, false);
    FAIL() << "no error";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("val_acc"), std::string::npos) << what;
    EXPECT_NE(what.find("val_accuracy"), std::string::npos) << what;  // lists what exists
  }
  EXPECT_FALSE(FileExists(out + "/model/log.csv"));
}

TEST(Trainer, SeedsOnTwoClassesAreAveragedOnTheTestClips) {
  const fs::path root = MakeToneSet("trainer_seeds");
  const std::string out = (root.parent_path() / "run").string();
  fs::remove_all(out);
  RecipeOptions r = TinyRecipe(root);
  r.data.keep = {"low", "high"};  // two classes: no MAP@3
  r.data.test_fraction = 0.25;
  r.train.epochs = 2;
  r.train.seeds = 2;
  const TrainSummary s = TrainRecipe(r, out, false);
  ASSERT_EQ(s.models.size(), 2u);
  EXPECT_EQ(s.models[0].dir, out + "/seed-0");
  EXPECT_EQ(s.models.back().best_metrics.count("val_map3"), 0u);
  ASSERT_FALSE(s.ensemble_test_metrics_json.empty());
  // The ensemble's scores are the mean of the two models' test scores.
  const auto a = eval::ReadPredictions(out + "/seed-0/predictions_test.csv", {"high", "low"});
  const auto b = eval::ReadPredictions(out + "/seed-1/predictions_test.csv", {"high", "low"});
  const auto e = eval::ReadPredictions(out + "/ensemble/predictions_test.csv", {"high", "low"});
  ASSERT_EQ(e.scores.size(), a.scores.size());
  ASSERT_EQ(e.ids, a.ids);
  for (size_t i = 0; i < e.scores.size(); ++i) {
    EXPECT_NEAR(e.scores[i], 0.5f * (a.scores[i] + b.scores[i]), 1e-5f);
  }
}

TEST(TrainCommand, TrainsFromARecipeFileAndEndsWithTheReport) {
  const fs::path root = MakeToneSet("train_command");
  const fs::path dir = root.parent_path();
  RecipeOptions r = TinyRecipe(root);
  r.name = "tones-cli";
  r.train.epochs = 2;
  WriteFileAtomic((dir / "tones.toml").string(), ToToml(r));
  const std::string run = (dir / "run").string();
  fs::remove_all(run);
  const testing::CommandResult r_out =
      testing::RunEarshot("train " + (dir / "tones.toml").string() + " --set train.epochs=3 --out " + run);
  ASSERT_EQ(r_out.status, 0) << r_out.output;
  const std::string& out = r_out.output;
  EXPECT_NE(out.find("report: " + run + "/report.html"), std::string::npos) << out;
  const std::string page = ReadFile(run + "/report.html");
  EXPECT_NE(page.find("tones-cli"), std::string::npos);
  // --set reached the run: three epochs in the log.
  const std::string log = ReadFile(run + "/model/log.csv");
  EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 4);
}

TEST(TrainOptions, ZeroThreadsLeavesTheLoaderACore) {
  TrainOptions t;
  EXPECT_EQ(t.threads, 0);
  const int cores = static_cast<int>(std::thread::hardware_concurrency());
  EXPECT_EQ(t.ComputeThreads(), std::max(1, cores - 1));
  t.threads = 3;
  EXPECT_EQ(t.ComputeThreads(), 3);
  t.threads = -1;
  try {
    t.Validate();
    FAIL() << "-1 threads accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--train.threads should be in [0, 256]"), std::string::npos)
        << e.what();
  }
}

TEST(TrainCommand, WarnsWhenComputeThreadsFillTheCores) {
  const int cores = static_cast<int>(std::thread::hardware_concurrency());
  if (cores < 2) GTEST_SKIP() << "one core: one compute thread, no warning to give";
  const fs::path root = MakeToneSet("train_command_threads");
  const fs::path dir = root.parent_path();
  RecipeOptions r = TinyRecipe(root);
  r.train.epochs = 1;
  r.train.threads = cores;
  WriteFileAtomic((dir / "tones.toml").string(), ToToml(r));
  auto train = [&](const std::string& env) {
    const std::string run = (dir / "run").string();
    fs::remove_all(run);
    const testing::CommandResult r = testing::RunEarshot(
        "train " + (dir / "tones.toml").string() + " --no-report --out " + run,
        testing::Capture::kStdoutAndStderr, env);
    EXPECT_EQ(r.status, 0) << r.output;
    return r.output;
  };
  const std::string spinning = train("");
  EXPECT_NE(spinning.find("warning: train.threads = " + std::to_string(cores)), std::string::npos) << spinning;
  EXPECT_NE(spinning.find("OMP_WAIT_POLICY=PASSIVE"), std::string::npos) << spinning;
  const std::string passive = train("OMP_WAIT_POLICY=PASSIVE");
  EXPECT_EQ(passive.find("warning:"), std::string::npos) << passive;
}

TEST(TrainCommand, OnBadFileFailNamesTheFileAndTrainsNothing) {
  const fs::path root = MakeToneSet("train_command_bad");
  const fs::path dir = root.parent_path();
  WriteFileAtomic((root / "low" / "ffffffff_nohash_0.wav").string(), "not audio");
  RecipeOptions r = TinyRecipe(root);
  WriteFileAtomic((dir / "tones.toml").string(), ToToml(r));
  const std::string run = (dir / "run").string();
  fs::remove_all(run);
  const testing::CommandResult r_out =
      testing::RunEarshot("train " + (dir / "tones.toml").string() + " --on-bad-file fail --out " + run);
  EXPECT_NE(r_out.status, 0);
  EXPECT_NE(r_out.output.find("ffffffff_nohash_0.wav: not a sound file"), std::string::npos) << r_out.output;
  EXPECT_FALSE(FileExists(run + "/model/log.csv"));
}

TEST(Bundle, BadFilesGiveErrorsNamingThePath) {
  const fs::path dir = testing::ScratchDir("bundle_bad");
  const std::string junk = (dir / "junk.bundle").string();
  WriteFileAtomic(junk, "not a zip at all");
  for (const std::string& path : {junk, (dir / "missing.bundle").string()}) {
    try {
      LoadBundle(path);
      FAIL() << "no error for " << path;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    }
  }
}

TEST(Bundle, WeightsThatDoNotFitTheConfigAreRefused) {
  const fs::path dir = testing::ScratchDir("bundle_mismatch");
  BundleInfo info;
  info.features.n_mels = 20;
  info.labels = {"a", "b", "c"};
  info.clip_samples = 16000;
  info.example_shape = {1, 20, 101};
  info.model.name = "ds_cnn";
  auto wide = BuildModel(info.model, info.example_shape, 3);
  ModelOptions larger = info.model;
  larger.size = "m";
  // Saved with a DS-CNN-M but labelled as DS-CNN-S.
  const std::string path = (dir / "mixed.bundle").string();
  SaveBundle(path, info, *BuildModel(larger, info.example_shape, 3));
  try {
    LoadBundle(path);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kMismatch);
    EXPECT_NE(std::string(e.what()).find("do not fit model 'ds_cnn'"), std::string::npos) << e.what();
  }
  // Labels that do not match the model's outputs.
  info.labels = {"a", "b"};
  SaveBundle(path, info, *wide);
  EXPECT_THROW(LoadBundle(path), Error);
}

TEST(Recipe, EveryConfigLoadsAndValidates) {
  int count = 0;
  for (const auto& entry : fs::directory_iterator(fs::path(EARSHOT_FIXTURES) / ".." / ".." / "configs")) {
    if (entry.path().extension() != ".toml") continue;
    SCOPED_TRACE(entry.path().string());
    const RecipeOptions r = LoadRecipe(entry.path().string(), {});
    EXPECT_FALSE(r.name.empty());
    ++count;
  }
  EXPECT_GE(count, 10);
}

TEST(Recipe, BaseFilesOverridesAndCrossChecks) {
  const std::string configs = (fs::path(EARSHOT_FIXTURES) / ".." / ".." / "configs").string();
  const RecipeOptions demo = LoadRecipe(configs + "/seed003-mfcc-cnn-demo.toml", {"train.epochs=3"});
  EXPECT_EQ(demo.name, "seed003-mfcc-cnn-demo");
  EXPECT_EQ(demo.data.root, "out/demo/tagging");   // from the demo file
  EXPECT_EQ(demo.features.n_mfcc, 40);             // from seed003-mfcc-cnn.toml
  EXPECT_EQ(demo.train.ensemble, "geometric");     // from seed003-conv1d.toml
  EXPECT_EQ(demo.train.epochs, 3);                 // from --set
  EXPECT_THROW(LoadRecipe(configs + "/kws-dscnn.toml", {"train.loss.name=kl_div"}), Error);
  EXPECT_THROW(LoadRecipe(configs + "/kws-dscnn.toml", {"train.nope=1"}), Error);
}

}  // namespace
}  // namespace earshot
