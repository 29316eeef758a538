// End-to-end training on a tiny generated set: learning, determinism,
// resume, monitors checked before training, the bundle round trip, and
// every recipe in configs/ loading.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <functional>
#include <random>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "../run_earshot.h"
#include "tone_run.h"
#include "../temp_dir.h"
#include "earshot/audio/decode.h"
#include "earshot/data/readers.h"
#include "earshot/data/splits.h"
#include "earshot/eval/ensemble.h"
#include "earshot/inference/bundle.h"
#include "earshot/inference/predictor.h"
#include "earshot/models/zoo.h"
#include "earshot/training/torch_error.h"
#include "earshot/training/trainer.h"
#include "earshot/training/training_observer.h"
#include "earshot/util/error.h"
#include "earshot/util/files.h"

namespace earshot {
namespace {

namespace fs = std::filesystem;

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

// What an observer hears: every event in order, with the epochs' metrics.
struct RecordingObserver : TrainingObserver {
  void OnMessage(const std::string& line) override { events.push_back("message " + line); }
  void OnRunStart(const RunStart& r) override {
    events.push_back("run " + r.recipe + " " + std::to_string(r.models.size()) + (r.resume ? " resume" : ""));
  }
  void OnModelStart(const ModelStart& m) override {
    events.push_back("model " + m.name + " after " + std::to_string(m.resumed_after) + " of " +
                     std::to_string(m.epochs));
    input_shape = m.input_shape;
  }
  void OnEpochStart(const EpochStart& e) override {
    events.push_back("epoch " + std::to_string(e.epoch));
    steps = e.steps;
    last_step = 0;
  }
  void OnStep(const StepReport& s) override {
    EXPECT_EQ(s.step, last_step + 1);
    last_step = s.step;
  }
  void OnEpochEnd(const EpochReport& e) override {
    EXPECT_EQ(last_step, steps) << "a step was not reported";
    events.push_back("end of epoch " + std::to_string(e.epoch));
    metrics.push_back(e.metrics);
    EXPECT_GT(e.clips, 0);
  }
  void OnModelEnd(const ModelRunSummary& m) override {
    events.push_back("model end " + std::to_string(m.epochs_run));
    validation_json = m.validation_metrics_json;
  }
  void OnRunEnd(const TrainSummary& s) override {
    events.push_back("run end " + std::to_string(s.models.size()));
  }
  std::vector<std::string> events;
  std::vector<std::map<std::string, double>> metrics;
  std::vector<int64_t> input_shape;
  int64_t steps = 0, last_step = 0;
  std::string validation_json;
};

// log.csv's data rows, as EpochLog writes them, from the metrics heard.
std::string CsvRows(const std::vector<std::map<std::string, double>>& epochs, int first_epoch) {
  std::ostringstream csv;
  csv.precision(8);
  for (size_t i = 0; i < epochs.size(); ++i) {
    csv << first_epoch + static_cast<int>(i) + 1;
    for (const auto& [name, value] : epochs[i]) csv << "," << value;
    csv << "\n";
  }
  return csv.str();
}

TEST(Trainer, AnObserverHearsEachEpochsMetricsAndTheEndsInOrder) {
  const fs::path root = MakeToneSet("trainer_observer");
  const std::string out = (root.parent_path() / "run").string();
  fs::remove_all(out);
  RecipeOptions r = TinyRecipe(root);
  r.train.epochs = 2;
  RecordingObserver heard;
  ::testing::internal::CaptureStderr();
  const TrainSummary s = TrainRecipe(r, out, false, &heard);
  // The observer replaces the console: nothing was printed.
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
  const std::string loading = "message loading 42 clips from " + root.string();
  EXPECT_EQ(heard.events, (std::vector<std::string>{loading, "run tones 1", "model model after -1 of 2",
                                                    "epoch 0", "end of epoch 0", "epoch 1", "end of epoch 1",
                                                    "model end 2", "run end 1"}));
  EXPECT_EQ(heard.input_shape, (std::vector<int64_t>{1, 20, 51}));
  EXPECT_EQ(heard.validation_json, s.models[0].validation_metrics_json);
  // The same numbers as log.csv (whose columns are the metrics' names, sorted).
  std::string log = ReadFile(out + "/model/log.csv");
  ASSERT_EQ(heard.metrics.size(), 2u);
  EXPECT_EQ(log.substr(0, log.find('\n')), "epoch,accuracy,loss,lr,val_accuracy,val_loss,val_map3");
  EXPECT_EQ(log.substr(log.find('\n') + 1), CsvRows(heard.metrics, 0));

  // Resumed for a third epoch: the model says where it resumed, and only
  // the new epoch is heard.
  r.train.epochs = 3;
  RecordingObserver resumed;
  TrainRecipe(r, out, true, &resumed);
  EXPECT_EQ(resumed.events, (std::vector<std::string>{loading, "run tones 1 resume", "model model after 1 of 3",
                                                      "epoch 2", "end of epoch 2", "model end 3",
                                                      "run end 1"}));
  log = ReadFile(out + "/model/log.csv");
  ASSERT_EQ(resumed.metrics.size(), 1u);
  EXPECT_EQ(log.substr(log.find("\n3,") + 1), CsvRows(resumed.metrics, 2));
}

// Without an observer the console shows the model and each epoch's metrics
// on stderr, as `earshot train` always has.
TEST(Trainer, TheDefaultObserverPrintsTheModelAndEachEpoch) {
  const fs::path root = MakeToneSet("trainer_console");
  const std::string out = (root.parent_path() / "run").string();
  fs::remove_all(out);
  RecipeOptions r = TinyRecipe(root);
  r.train.epochs = 2;
  ::testing::internal::CaptureStderr();
  TrainRecipe(r, out, false);
  const std::string printed = ::testing::internal::GetCapturedStderr();
  const Bundle b = LoadBundle(out + "/model/last.bundle");
  const std::string model = "model: ds_cnn, " + std::to_string(CountParameters(*b.model)) +
                            " parameters, input [1, 20, 51], ";
  EXPECT_NE(printed.find(" clips from " + root.string() + "\n"), std::string::npos) << printed;
  EXPECT_NE(printed.find(model), std::string::npos) << printed;
  EXPECT_LT(printed.find("loading "), printed.find(model)) << printed;
  EXPECT_NE(printed.find("epoch 1/2"), std::string::npos) << printed;
  EXPECT_NE(printed.find("epoch 2/2"), std::string::npos) << printed;
  EXPECT_NE(printed.find("val_accuracy "), std::string::npos) << printed;
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

// A run that cannot start (wrong root, a refused schedule, an unknown
// monitor) writes nothing; a run that completed no epoch is replaced by the
// corrected one, while one that trained is kept for --resume.
TEST(Trainer, FailedStartLeavesNothingAndAnUntrainedRunIsReplaced) {
  const fs::path root = MakeToneSet("trainer_failed_start");
  const std::string out = (root.parent_path() / "run").string();
  fs::remove_all(out);
  RecipeOptions r = TinyRecipe(root);
  r.train.epochs = 1;
  RecipeOptions wrong_root = r;
  wrong_root.data.root = (root.parent_path() / "nowhere").string();
  RecipeOptions cosine = r;
  cosine.train.schedule.name = "cosine";
  cosine.train.schedule.warmup_epochs = 1;  // no epoch left for the cosine
  RecipeOptions monitor = r;
  monitor.train.checkpoint.monitor = "val_acc";
  for (const RecipeOptions* bad : {&wrong_root, &cosine, &monitor}) {
    EXPECT_THROW(TrainRecipe(*bad, out, false), Error);
    EXPECT_FALSE(fs::exists(out)) << "a failed start left " << out;
  }
  // What an earlier failure after the folder was made leaves: a recipe, the
  // data summary, a model folder without a checkpoint.
  fs::create_directories(out + "/model");
  fs::create_directories(out + "/fold-3");
  WriteFileAtomic(out + "/recipe.toml", ToToml(wrong_root));
  WriteFileAtomic(out + "/data.json", "{}");
  WriteFileAtomic(out + "/notes.txt", "the user's own file");
  const TrainSummary s = TrainRecipe(r, out, false);
  EXPECT_EQ(s.models[0].epochs_run, 1);
  EXPECT_FALSE(fs::exists(out + "/fold-3")) << "the failed run's folders stay";
  EXPECT_TRUE(fs::exists(out + "/notes.txt"));
  EXPECT_NE(ReadFile(out + "/recipe.toml").find(root.string()), std::string::npos);
  // Now it trained: a fresh run there is refused.
  ExpectError([&] { TrainRecipe(r, out, false); }, {"holds a run already"});
}

// --resume continues the recorded model on the recorded data: a change to
// either is refused naming the key and both values, and so is a new epoch
// count under the cosine schedule, whose horizon it is. Thread counts may
// change.
TEST(Trainer, ResumeRefusesChangesToTheModelOrItsData) {
  const fs::path root = MakeToneSet("trainer_resume_changes");
  const std::string out = (root.parent_path() / "run").string();
  fs::remove_all(out);
  RecipeOptions r = TinyRecipe(root);
  r.train.epochs = 1;
  r.train.schedule.name = "cosine";
  TrainRecipe(r, out, false);
  const std::string log = ReadFile(out + "/model/log.csv");
  auto refused = [&](const std::string& setting, const std::vector<std::string>& words) {
    SCOPED_TRACE(setting);
    RecipeOptions changed = r;
    ApplySetting(changed, setting);
    ExpectError([&] { TrainRecipe(changed, out, true); }, words);
    EXPECT_EQ(ReadFile(out + "/model/log.csv"), log);
  };
  refused("features.n_mels=64", {"features.n_mels was 20, now 64"});
  refused("data.validation_fraction=0.5", {"data.validation_fraction was 0.25, now 0.5"});
  refused("loader.clip.seconds=1", {"loader.clip.seconds was 0.5, now 1"});
  refused("train.epochs=3", {"train.epochs was 1, now 3", "cosine"});
  RecipeOptions threads = r;
  threads.train.threads = 2;
  threads.loader.threads = 1;
  threads.store.on_bad_file = "fail";
  EXPECT_NO_THROW(TrainRecipe(threads, out, true));
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
  r.data.test_fraction = 0.25;  // test clips for train.robustness
  WriteFileAtomic((dir / "tones.toml").string(), ToToml(r));
  const std::string run = (dir / "run").string();
  fs::remove_all(run);
  const testing::CommandResult r_out =
      testing::RunEarshot("train " + (dir / "tones.toml").string() + " --set train.epochs=3 --out " + run +
                          " --set 'train.robustness=noise:snr=-10;telephone'");
  ASSERT_EQ(r_out.status, 0) << r_out.output;
  const std::string& out = r_out.output;
  EXPECT_NE(out.find("report: " + run + "/report.html"), std::string::npos) << out;
  const std::string page = ReadFile(run + "/report.html");
  EXPECT_NE(page.find("tones-cli"), std::string::npos);
  // --set reached the run: three epochs in the log.
  const std::string log = ReadFile(run + "/model/log.csv");
  EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 4);
  // train.robustness: the test split clean (the run's own test accuracy)
  // and under each corruption, printed, written and in the report.
  EXPECT_NE(out.find("robustness (test split, accuracy): clean "), std::string::npos) << out;
  const auto test = nlohmann::json::parse(ReadFile(run + "/model/metrics_test.json"));
  const auto rob = nlohmann::json::parse(ReadFile(run + "/model/robustness/metrics.json")).at("robustness");
  EXPECT_NEAR(rob.at("clean").get<double>(), test.at("accuracy").get<double>(), 1e-9);
  ASSERT_EQ(rob.at("rows").size(), 2u);
  EXPECT_EQ(rob["rows"][0]["corruption"], "noise:snr=-10");
  EXPECT_EQ(rob["rows"][1]["corruption"], "telephone");
  EXPECT_TRUE(fs::exists(run + "/model/robustness/robustness.csv"));
  EXPECT_NE(page.find("<h3>Robustness</h3>"), std::string::npos);
  EXPECT_NE(page.find("noise:snr=-10"), std::string::npos);
  // A bad spec is refused before training, naming the option.
  const testing::CommandResult bad = testing::RunEarshot(
      "train " + (dir / "tones.toml").string() + " --out " + run + "-bad --set train.robustness=snow");
  EXPECT_NE(bad.status, 0);
  EXPECT_NE(bad.output.find("robustness 'snow': unknown corruption 'snow'"), std::string::npos) << bad.output;
  EXPECT_FALSE(fs::exists(run + "-bad/model"));
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
    ValidateOptions(t, "train");
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

// 33 training and 9 validation clips at batch 8: each split ends on a lone
// clip. Three clips are float WAVs peaking at 1.05. The model has
// batch norm after a dense layer, which cannot train on a batch of one.
TEST(Trainer, LastBatchOfOneAndClipsAboveFullScaleTrainAndPredict) {
  const fs::path root = MakeToneSet("trainer_last_batch");
  const fs::path dir = root.parent_path();
  std::vector<std::string> loud;
  for (const char* file : {"00001384_nohash_0.wav", "00002384_nohash_0.wav", "00003384_nohash_0.wav"}) {
    const std::string path = (root / "mid" / file).string();  // 900 Hz: 0x1000 * k + 0x384
    std::vector<float> x = DecodeFile(path);
    float peak = 0.f;
    for (float v : x) peak = std::max(peak, std::fabs(v));
    for (float& v : x) v *= 1.05f / peak;
    WriteWav(path, x, 8000, true);
    loud.push_back(path);
  }
  RecipeOptions r = TinyRecipe(root);
  r.model.name = "seed003_mfcc_cnn";
  r.train.epochs = 1;
  r.data.split = "none";
  Dataset ds = ReadDataset(r.data);
  ASSERT_EQ(ds.clips.size(), 42u);
  std::map<int, int> taken;
  for (ClipRef& c : ds.clips) c.split = taken[c.label]++ < 3 ? Split::kValidation : Split::kTrain;
  SaveSplit(ds, (dir / "split.csv").string());
  r.data.split = "file";
  r.data.split_file = (dir / "split.csv").string();
  const std::string out = (dir / "run").string();
  fs::remove_all(out);
  const TrainSummary s = TrainRecipe(r, out, false);
  ASSERT_EQ(s.models.size(), 1u);
  EXPECT_EQ(s.models[0].epochs_run, 1);
  // Every validation clip was scored, the lone last one included.
  const eval::Predictions val =
      eval::ReadPredictions(s.models[0].dir + "/predictions_validation.csv", {"high", "low", "mid"});
  ASSERT_EQ(val.ids.size(), 9u);

  // The data notes count the loud clips.
  const nlohmann::json data = nlohmann::json::parse(ReadFile(out + "/data.json"));
  EXPECT_EQ(data.at("above_full_scale").at("clips"), 3);
  EXPECT_NEAR(data.at("above_full_scale").at("largest_peak").get<double>(), 1.05, 1e-4);
  EXPECT_NE(data.at("notes").dump().find("3 of 42 clips peak above full scale"), std::string::npos)
      << data.dump();

  // Predicting a loud file sees its samples as decoded, not clipped.
  Predictor p(s.models[0].best_bundle);
  const std::vector<float> decoded = DecodeFile(loud[0]);
  EXPECT_NEAR(*std::max_element(decoded.begin(), decoded.end()), 1.05f, 1e-5f);
  EXPECT_EQ(p.PredictFile(loud[0]), p.PredictSamples(decoded));
}

// A LibTorch error reaching `main` prints one line, without LibTorch's
// backtrace, naming what to change; --debug (or EARSHOT_DEBUG=1) adds it.
TEST(TrainCommand, ALibTorchErrorPrintsOneLineNamingWhatToChange) {
  const fs::path root = MakeToneSet("train_command_torch_error");
  const fs::path dir = root.parent_path();
  RecipeOptions r = TinyRecipe(root);
  r.model.name = "seed003_mfcc_cnn";  // batch norm after a dense layer
  r.loader.batch_size = 1;            // so every training batch holds one clip
  r.train.epochs = 1;
  WriteFileAtomic((dir / "tones.toml").string(), ToToml(r));
  auto train = [&](const std::string& prefix, const std::string& before, const std::string& after = "") {
    const std::string run = (dir / "run").string();
    fs::remove_all(run);
    const testing::CommandResult r = testing::RunEarshot(
        before + " train " + (dir / "tones.toml").string() + " --no-report --out " + run + after,
        testing::Capture::kStderr, prefix);
    EXPECT_NE(r.status, 0);
    return r.output;
  };
  const std::string err = train("", "");
  // The progress bar may have written lines before it; the error is one line.
  const size_t at = err.find("error: ");
  ASSERT_NE(at, std::string::npos) << err;
  const std::string error = err.substr(at);
  EXPECT_EQ(std::count(error.begin(), error.end(), '\n'), 1) << error;
  EXPECT_NE(error.find("Expected more than 1 value per channel when training"), std::string::npos) << error;
  EXPECT_NE(error.find("loader.batch_size"), std::string::npos) << error;
  EXPECT_EQ(err.find("frame #"), std::string::npos) << err;
  EXPECT_NE(train("", " --debug").find("frame #"), std::string::npos);
  EXPECT_NE(train("", "", " --debug").find("frame #"), std::string::npos);
  EXPECT_NE(train("EARSHOT_DEBUG=1", "").find("frame #"), std::string::npos);
}

TEST(TorchError, DescribedWithoutBacktraceAndWithAHint) {
  auto bn = torch::nn::BatchNorm1d(4);
  bn->train();
  try {
    bn->forward(torch::ones({1, 4}));
    FAIL() << "batch norm trained on one example";
  } catch (const std::exception& e) {
    const std::optional<std::string> text = DescribeTorchError(e, false);
    ASSERT_TRUE(text);
    EXPECT_EQ(text->find('\n'), std::string::npos) << *text;
    EXPECT_EQ(text->find("Expected more than 1 value per channel when training, got input size [1, 4]"), 0u)
        << *text;
    EXPECT_NE(text->find("set loader.batch_size above 1"), std::string::npos) << *text;
    EXPECT_NE(DescribeTorchError(e, true)->find("frame #"), std::string::npos);
  }
  EXPECT_FALSE(DescribeTorchError(std::runtime_error("not LibTorch"), false));
  EXPECT_FALSE(DescribeTorchError(Error(ErrorKind::kIo, "x"), false));
}

// What the binary prints; it should succeed.
std::string RunOk(const std::string& args) {
  const testing::CommandResult r = testing::RunEarshot(args);
  EXPECT_EQ(r.status, 0) << args << "\n" << r.output;
  return r.output;
}

TEST(TrainCommand, UnreadableFilesAreInNoSplitAndAFinishedRunHasNothingToTrain) {
  const fs::path root = MakeToneSet("train_command_unreadable");
  const fs::path dir = root.parent_path();
  WriteFileAtomic((root / "low" / "ffffffff_nohash_0.wav").string(), "not audio");
  RecipeOptions r = TinyRecipe(root);
  r.train.epochs = 1;
  WriteFileAtomic((dir / "tones.toml").string(), ToToml(r));
  const std::string run = (dir / "run").string();
  fs::remove_all(run);
  const std::string first = RunOk("train " + (dir / "tones.toml").string() + " --no-report --out " + run);
  EXPECT_NE(first.find("training clips/s"), std::string::npos) << first;
  // split.csv: the unreadable file is in no split; the 42 readable ones are.
  const std::string split = ReadFile(run + "/model/split.csv");
  EXPECT_NE(split.find("low/ffffffff_nohash_0.wav,none\n"), std::string::npos) << split;
  const nlohmann::json data = nlohmann::json::parse(ReadFile(run + "/data.json"));
  int64_t used = 0;
  for (const char* s : {"train", "validation", "test"}) {
    if (!data["counts"].contains(s)) continue;
    for (const auto& [label, n] : data["counts"][s].items()) used += n.get<int64_t>();
  }
  EXPECT_EQ(used, 42);
  EXPECT_EQ(data["counts"]["none"]["low"].get<int>(), 1) << data.dump();
  // Resuming the finished run trains nothing and says so.
  const std::string again = RunOk("train --resume " + run + " --no-report");
  EXPECT_NE(again.find("nothing was left to train"), std::string::npos) << again;
  EXPECT_EQ(again.find("clips/s"), std::string::npos) << again;
}

TEST(TrainCommand, InterruptSaysHowToResumeAndTheCheckpointResumes) {
  const fs::path root = MakeToneSet("train_command_interrupt");
  const fs::path dir = root.parent_path();
  RecipeOptions r = TinyRecipe(root);
  r.train.epochs = 30;  // far more than the time to see the first checkpoint
  WriteFileAtomic((dir / "tones.toml").string(), ToToml(r));
  const std::string run = (dir / "run").string(), log = (dir / "out.txt").string();
  fs::remove_all(run);
  const std::string cmd = "exec " + std::string(EARSHOT_BINARY) + " train " + (dir / "tones.toml").string() +
                          " --no-report --out " + run + " > " + log + " 2>&1";
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  // Interrupt once the first epoch's checkpoint is written.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(3);
  while (!FileExists(run + "/model/checkpoint") && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(kill(pid, SIGINT), 0);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  const std::string out = ReadFile(log);
  ASSERT_TRUE(WIFEXITED(status)) << out;
  if (WEXITSTATUS(status) == 0) GTEST_SKIP() << "training ended before the interrupt";
  EXPECT_EQ(WEXITSTATUS(status), 130) << out;
  EXPECT_NE(out.find("resume with: earshot train --resume " + run + "\n"), std::string::npos) << out;
  // The checkpoint is whole: the run resumes and finishes its 30 epochs.
  RunOk("train --resume " + run + " --no-report");
  const std::string epochs = ReadFile(run + "/model/log.csv");
  EXPECT_EQ(std::count(epochs.begin(), epochs.end(), '\n'), 31) << epochs;
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

// A DS-CNN on 20 mels of 1 s at 16 kHz, three labels.
TEST(Bundle, WeightsThatDoNotFitTheConfigAreRefused) {
  const fs::path dir = testing::ScratchDir("bundle_mismatch");
  BundleInfo info = DsCnnInfo();
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

// Recipes train single_label and soft_label models: a bundle recording
// another task is refused by name, for eval and predict alike.
TEST(Bundle, ATaskRecipesDoNotTrainIsRefusedNamingTheFile) {
  const fs::path dir = testing::ScratchDir("bundle_task");
  BundleInfo info = DsCnnInfo();
  auto model = BuildModel(info.model, info.example_shape, 3);
  const std::string path = (dir / "tags.bundle").string();
  for (const char* task : {"single_label", "soft_label"}) {
    info.task = task;
    SaveBundle(path, info, *model);
    EXPECT_EQ(LoadBundle(path).info.task, task);
  }
  info.task = "multi_label";
  info.output = "sigmoid";
  SaveBundle(path, info, *model);
  const std::string want =
      path + ": bundle task should be single_label | soft_label (what earshot's recipes train). "
             "Given: 'multi_label'";
  try {
    LoadBundle(path);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kBadData);
    EXPECT_EQ(std::string(e.what()), want);
  }
  try {
    Predictor p(path);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), want);
  }
}

// A byte flipped inside the weights changes the probabilities without a
// word unless the bundle's checksum catches it; a bundle written before
// checksums existed still loads.
TEST(Bundle, DamagedWeightsAreRefusedNamingTheFile) {
  const fs::path dir = testing::ScratchDir("bundle_checksum");
  BundleInfo info = DsCnnInfo();
  auto model = BuildModel(info.model, info.example_shape, 3);
  // A value whose bytes are easy to find in the file.
  const float marker = 1234.5678f;
  {
    torch::NoGradGuard no_grad;
    model->parameters().front().view(-1)[0].fill_(marker);
  }
  const std::string path = (dir / "model.bundle").string();
  SaveBundle(path, info, *model);
  EXPECT_NO_THROW(LoadBundle(path));

  std::string bytes = ReadFile(path);
  const std::string pattern(reinterpret_cast<const char*>(&marker), sizeof(marker));
  const size_t at = bytes.find(pattern);
  ASSERT_NE(at, std::string::npos);
  bytes[at] = static_cast<char>(bytes[at] ^ 0x01);  // the marker's lowest bit
  const std::string damaged = (dir / "damaged.bundle").string();
  WriteFileAtomic(damaged, bytes);
  ExpectError([&] { LoadBundle(damaged); }, {damaged + ": damaged bundle", "checksum"});

  // The same bundle as earlier versions wrote it: no checksum record.
  torch::serialize::InputArchive in;
  in.load_from(path);
  c10::IValue meta;
  ASSERT_TRUE(in.try_read("earshot_meta", meta));
  torch::serialize::OutputArchive old;
  model->save(old);
  old.write("earshot_meta", meta);
  const std::string unchecked = (dir / "unchecked.bundle").string();
  old.save_to(unchecked);
  const Bundle b = LoadBundle(unchecked);
  EXPECT_FLOAT_EQ(b.model->parameters().front().view(-1)[0].item<float>(), marker);
}

// A bundle carries what prediction needs (output activation, window hop,
// data and loader options) itself; a bundle written before it did gets them
// from its recorded recipe.
TEST(Bundle, CarriesItsOutputAndLoaderOrReadsThemFromItsRecipe) {
  const fs::path dir = testing::ScratchDir("bundle_output");
  BundleInfo info = DsCnnInfo();
  info.output = "sigmoid";  // single labels trained with bce
  info.loader.clip.hop_seconds = 0.25;
  info.loader.seed = 7;
  info.data.split = "kfold";
  info.data.fold = 2;
  auto model = BuildModel(info.model, info.example_shape, 3);
  const std::string path = (dir / "model.bundle").string();
  SaveBundle(path, info, *model);
  const std::vector<float> tone(24000, 0.1f);
  auto check = [&](const std::string& bundle) {
    SCOPED_TRACE(bundle);
    const Predictor p(bundle);
    EXPECT_EQ(p.output(), "sigmoid");
    EXPECT_EQ(p.hop_samples(), 4000);
    EXPECT_EQ(p.info().loader.seed, 7);
    EXPECT_EQ(p.info().data.fold, 2);
    // One window of 1 s at a 0.25 s hop: a 1.5 s clip gives three.
    int64_t windows = 0;
    p.WindowProbabilities(tone.data(), static_cast<int64_t>(tone.size()), &windows);
    EXPECT_EQ(windows, 3);
  };
  check(path);

  // As earlier versions wrote it: the same settings only in the recipe.
  RecipeOptions recipe;
  recipe.train.loss.name = "bce";
  recipe.loader.clip.hop_seconds = 0.25;
  recipe.loader.seed = 7;
  recipe.data.split = "kfold";
  recipe.data.fold = 2;
  torch::serialize::InputArchive in;
  in.load_from(path);
  c10::IValue meta_value;
  ASSERT_TRUE(in.try_read("earshot_meta", meta_value));
  nlohmann::json meta = nlohmann::json::parse(meta_value.toStringRef());
  for (const char* key : {"output", "data", "store", "loader"}) meta.erase(key);
  meta["recipe"] = ToToml(recipe);
  torch::serialize::OutputArchive old;
  model->save(old);
  old.write("earshot_meta", c10::IValue(meta.dump()));
  const std::string older = (dir / "older.bundle").string();
  old.save_to(older);
  check(older);
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
  EXPECT_EQ(demo.data.root, AbsolutePath("out/demo/tagging"));  // from the demo file, recorded absolute
  EXPECT_EQ(demo.features.n_mfcc, 40);             // from seed003-mfcc-cnn.toml
  EXPECT_EQ(demo.train.ensemble, "geometric");     // from seed003-conv1d.toml
  EXPECT_EQ(demo.train.epochs, 3);                 // from --set
  EXPECT_THROW(LoadRecipe(configs + "/kws-dscnn.toml", {"train.loss.name=kl_div"}), Error);
  EXPECT_THROW(LoadRecipe(configs + "/kws-dscnn.toml", {"train.nope=1"}), Error);
}

}  // namespace
}  // namespace earshot
