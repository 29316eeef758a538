// Evaluation and prediction with trained bundles: tiny models trained at
// test time on three tones, then checked against metrics and ensembles
// computed by hand.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include <nlohmann/json.hpp>

#include "../run_earshot.h"
#include "../temp_dir.h"
#include "tone_bundles.h"
#include "earshot/audio/decode.h"
#include "earshot/eval/metrics.h"
#include "earshot/inference/bundle.h"
#include "earshot/inference/bundle_eval.h"
#include "earshot/inference/prediction_formats.h"
#include "earshot/inference/predictor.h"
#include "earshot/training/recipe.h"
#include "earshot/training/trainer.h"
#include "earshot/util/error.h"
#include "earshot/util/files.h"

namespace earshot {
namespace {

namespace fs = std::filesystem;
using testing::TinyRecipe;
using testing::Tone;
using testing::WriteToneSet;
constexpr int kRate = testing::kToneRate;

class EvalPredictTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(earshot::testing::ScratchDir("eval_predict"));
    fs::remove_all(*dir_);
    WriteToneSet(*dir_ / "data", {{"high", 1800.0}, {"low", 300.0}, {"mid", 900.0}});
    for (int seed : {1, 2}) {
      const std::string run = (*dir_ / ("run" + std::to_string(seed))).string();
      TrainRecipe(TinyRecipe((*dir_ / "data").string(), seed), run, false);
    }
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
  }
  static std::string Data() { return (*dir_ / "data").string(); }
  static std::string BundlePath(int seed) {
    return (*dir_ / ("run" + std::to_string(seed)) / "model" / "best.bundle").string();
  }
  static fs::path* dir_;
};
fs::path* EvalPredictTest::dir_ = nullptr;

TEST_F(EvalPredictTest, EvalMetricsEqualThoseOfTheDirectPredictions) {
  const BundleEval r = EvaluateBundles({BundlePath(1)}, Data(), BundleEvalOptions{});
  ASSERT_EQ(r.predictions.Rows(), 6);  // a quarter of 24 clips is held out for test
  EXPECT_EQ(r.layout, "speech_commands");
  EXPECT_EQ(r.bad_files, 0);
  EXPECT_EQ(r.counts.at("high"), 2);
  EXPECT_EQ(r.counts.at("low"), 2);
  EXPECT_EQ(r.counts.at("mid"), 2);

  Predictor p(BundlePath(1));
  std::vector<std::string> paths;
  std::vector<int> labels;
  for (const auto& id : r.predictions.ids) {
    paths.push_back(Data() + "/" + id);
    labels.push_back(id.rfind("high/", 0) == 0 ? 0 : id.rfind("low/", 0) == 0 ? 1 : 2);
  }
  ASSERT_EQ(p.labels(), (std::vector<std::string>{"high", "low", "mid"}));
  EXPECT_EQ(r.labels, labels);
  const eval::Predictions direct = p.PredictFiles(paths, r.predictions.ids);
  ASSERT_EQ(direct.scores.size(), r.predictions.scores.size());
  for (size_t i = 0; i < direct.scores.size(); ++i) {
    EXPECT_NEAR(direct.scores[i], r.predictions.scores[i], 1e-5) << "score " << i;
  }
  const eval::MetricsReport want = eval::EvaluateSingleLabel(direct.scores, labels, p.labels());
  EXPECT_DOUBLE_EQ(*r.report.accuracy, *want.accuracy);
  EXPECT_EQ(r.report.confusion, want.confusion);
  EXPECT_DOUBLE_EQ(r.report.per_class->macro_f1, want.per_class->macro_f1);

  // The trainer's own test metrics, computed through its batch loader.
  const auto trained = nlohmann::json::parse(ReadFile((*dir_ / "run1" / "model" / "metrics_test.json").string()));
  const auto printed = nlohmann::json::parse(r.ToJson());
  EXPECT_NEAR(printed.at("accuracy").get<double>(), trained.at("accuracy").get<double>(), 1e-9);
  EXPECT_EQ(printed.at("clips").get<int>(), 6);
  EXPECT_EQ(printed.at("split").get<std::string>(), "test");

  const std::string out = (*dir_ / "eval_out").string();
  WriteEvalOutputs(r, out);
  EXPECT_GT(fs::file_size(out + "/confusion.png"), 1000u);
  EXPECT_GT(fs::file_size(out + "/class_recall.png"), 1000u);
  const eval::Predictions saved = eval::ReadPredictions(out + "/predictions.csv", p.labels());
  EXPECT_EQ(saved.ids, r.predictions.ids);
}

TEST_F(EvalPredictTest, CorruptionsGiveARobustnessTable) {
  BundleEvalOptions o;
  o.split = "all";
  o.corrupt = {"clip:level=1;noise:snr=-10", "telephone"};
  const BundleEval r = EvaluateBundles({BundlePath(1)}, Data(), o);
  ASSERT_EQ(r.robustness.size(), 3u);
  EXPECT_EQ(r.robustness_metric, "accuracy");
  EXPECT_DOUBLE_EQ(r.robustness_clean, *r.report.accuracy);
  // Clipping at the clip's own peak changes nothing.
  EXPECT_EQ(r.robustness[0].corruption, "clip:level=1");
  EXPECT_DOUBLE_EQ(r.robustness[0].metric, r.robustness_clean);
  EXPECT_EQ(r.robustness[1].kind, "noise");
  EXPECT_EQ(r.robustness[1].parameter, "snr");
  EXPECT_EQ(r.robustness[1].level, -10.0);
  EXPECT_EQ(r.robustness[2].corruption, "telephone");
  for (const RobustnessRow& row : r.robustness) {
    EXPECT_GE(row.metric, 0.0);
    EXPECT_LE(row.metric, 1.0);
  }
  // The same corrupted clips every time.
  EXPECT_DOUBLE_EQ(EvaluateBundles({BundlePath(1)}, Data(), o).robustness[1].metric, r.robustness[1].metric);
  const auto j = nlohmann::json::parse(r.ToJson()).at("robustness");
  EXPECT_EQ(j.at("metric"), "accuracy");
  EXPECT_EQ(j.at("rows").size(), 3u);
  EXPECT_EQ(j.at("rows")[1].at("corruption"), "noise:snr=-10");
  EXPECT_NEAR(j.at("rows")[1].at("change").get<double>(), r.robustness[1].metric - r.robustness_clean, 1e-12);
  const std::string out = (*dir_ / "robust_out").string();
  WriteEvalOutputs(r, out);
  std::ifstream csv(out + "/robustness.csv");
  std::string header, clean;
  std::getline(csv, header);
  std::getline(csv, clean);
  EXPECT_EQ(header, "corruption,kind,parameter,level,accuracy");
  EXPECT_EQ(clean.rfind("clean,,,,", 0), 0u);
  EXPECT_GT(fs::file_size(out + "/robustness.png"), 1000u);
  // A bad spec stops eval before any bundle is read.
  o.corrupt = {"noise:snr=90"};
  try {
    EvaluateBundles({"no/such.bundle"}, Data(), o);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "--corrupt 'noise:snr=90': snr = 90 is outside [-20, 80] dB");
  }
}

TEST_F(EvalPredictTest, LongClipIsTheMeanOfItsWindows) {
  Predictor p(BundlePath(1));
  EXPECT_EQ(p.window_samples(), kRate);
  EXPECT_EQ(p.hop_samples(), kRate / 2);
  // 3 s: a low, a high and a silent second, so the windows differ.
  std::vector<float> x = Tone(300.0, kRate, 0.0);
  const auto hi = Tone(1800.0, kRate, 0.0);
  x.insert(x.end(), hi.begin(), hi.end());
  x.resize(3 * kRate, 0.f);
  int64_t windows = 0;
  const std::vector<float> w = p.WindowProbabilities(x.data(), 3 * kRate, &windows);
  ASSERT_EQ(windows, 5);  // starts 0, 0.5, 1, 1.5, 2 s
  const std::vector<float> clip = p.PredictSamples(x);
  for (int c = 0; c < 3; ++c) {
    double mean = 0;
    for (int k = 0; k < 5; ++k) mean += w[k * 3 + c] / 5.0;
    EXPECT_NEAR(clip[c], mean, 1e-6);
  }
  // The third window is the second second on its own.
  const std::vector<float> second = p.PredictSamples(x.data() + kRate, kRate);
  for (int c = 0; c < 3; ++c) EXPECT_NEAR(w[2 * 3 + c], second[c], 1e-5);

  PredictorOptions o;
  o.window_combine = "max";
  Predictor pmax(BundlePath(1), o);
  const std::vector<float> mx = pmax.PredictSamples(x);
  for (int c = 0; c < 3; ++c) {
    float m = 0;
    for (int k = 0; k < 5; ++k) m = std::max(m, w[k * 3 + c]);
    EXPECT_NEAR(mx[c], m, 1e-6);
  }
  // A short clip is one centred, padded window.
  int64_t one = 0;
  p.WindowProbabilities(x.data(), kRate / 3, &one);
  EXPECT_EQ(one, 1);
}

TEST_F(EvalPredictTest, EnsembleOfTwoBundlesIsTheMeanOrGeometricMean) {
  Predictor a(BundlePath(1)), b(BundlePath(2));
  const std::vector<std::string> paths{Data() + "/high/c0_nohash_0.wav", Data() + "/low/c3_nohash_0.wav"};
  const std::vector<std::string> ids{"h0", "l3"};
  const auto pa = a.PredictFiles(paths, ids), pb = b.PredictFiles(paths, ids);
  ASSERT_NE(pa.scores, pb.scores);  // different seeds, different models
  eval::EnsembleOptions mean;
  const auto m = PredictEnsemble({&a, &b}, paths, ids, mean);
  eval::EnsembleOptions geo;
  geo.method = eval::EnsembleMethod::kGeometric;
  const auto g = PredictEnsemble({&a, &b}, paths, ids, geo);
  EXPECT_EQ(m.ids, ids);
  for (int r = 0; r < 2; ++r) {
    double gsum = 0;
    std::vector<double> gm(3);
    for (int c = 0; c < 3; ++c) {
      const size_t i = static_cast<size_t>(r * 3 + c);
      EXPECT_NEAR(m.scores[i], (pa.scores[i] + pb.scores[i]) / 2.0, 1e-6);
      gm[c] = std::sqrt(std::max<double>(pa.scores[i], 1e-7) * std::max<double>(pb.scores[i], 1e-7));
      gsum += gm[c];
    }
    for (int c = 0; c < 3; ++c) EXPECT_NEAR(g.scores[static_cast<size_t>(r * 3 + c)], gm[c] / gsum, 1e-6);
  }
}

TEST_F(EvalPredictTest, BadInputsGiveClearErrors) {
  try {
    Predictor p((*dir_ / "nowhere.bundle").string());
    FAIL() << "a missing bundle loaded";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("nowhere.bundle"), std::string::npos) << e.what();
  }
  // A data label the bundle does not know.
  const fs::path extra = *dir_ / "extra";
  WriteToneSet(extra, {{"high", 1800.0}, {"low", 300.0}, {"buzz", 3000.0}});
  BundleEvalOptions all;
  all.split = "all";
  try {
    EvaluateBundles({BundlePath(1)}, extra.string(), all);
    FAIL() << "an unknown label was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kMismatch);
    EXPECT_NE(std::string(e.what()).find("'buzz'"), std::string::npos) << e.what();
  }
  // The same labels in another order cannot be ensembled.
  RecipeOptions swapped = TinyRecipe(Data(), 3);
  ApplySetting(swapped, "data.classes=low,high,mid");
  ApplySetting(swapped, "train.epochs=1");
  TrainRecipe(swapped, (*dir_ / "swapped").string(), false);
  Predictor a(BundlePath(1)), s((*dir_ / "swapped" / "model" / "best.bundle").string());
  try {
    CheckSameLabels({&a, &s});
    FAIL() << "labels in another order were accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kMismatch);
    EXPECT_NE(std::string(e.what()).find("label 0 is 'low', not 'high'"), std::string::npos) << e.what();
  }
  // Eval maps data labels by name, so the swapped bundle evaluates the same data.
  const BundleEval r = EvaluateBundles({s.path()}, Data(), all);
  EXPECT_EQ(r.predictions.Rows(), 24);
  for (size_t i = 0; i < r.labels.size(); ++i) {
    const std::string folder = r.predictions.ids[i].substr(0, r.predictions.ids[i].find('/'));
    EXPECT_EQ(s.labels()[static_cast<size_t>(r.labels[i])], folder);
  }
}

// A run's predictions of one split, by clip id.
std::map<std::string, std::vector<float>> RowsById(const eval::Predictions& p) {
  std::map<std::string, std::vector<float>> out;
  const size_t k = static_cast<size_t>(p.columns);
  for (size_t i = 0; i < p.ids.size(); ++i) {
    out[p.ids[i]] = std::vector<float>(p.scores.begin() + static_cast<std::ptrdiff_t>(i * k),
                                       p.scores.begin() + static_cast<std::ptrdiff_t>((i + 1) * k));
  }
  return out;
}

// Eval's predictions of a split are the run's own, clip for clip, and so are
// its metrics.
void ExpectEvalMatchesTheRun(const std::string& model_dir, const std::string& data, const std::string& split) {
  BundleEvalOptions o;
  o.split = split;
  const BundleEval r = EvaluateBundles({model_dir + "/best.bundle"}, data, o);
  const auto run = eval::ReadPredictions(model_dir + "/predictions_" + split + ".csv", r.predictions.classes);
  const auto want = RowsById(run), got = RowsById(r.predictions);
  ASSERT_EQ(got.size(), want.size()) << model_dir;
  for (const auto& [id, row] : want) {
    ASSERT_TRUE(got.count(id)) << model_dir << ": eval did not score " << id;
    for (size_t c = 0; c < row.size(); ++c) EXPECT_NEAR(got.at(id)[c], row[c], 1e-4) << id << " " << c;
  }
  const auto metrics = nlohmann::json::parse(ReadFile(model_dir + "/metrics_" + split + ".json"));
  EXPECT_NEAR(*r.report.accuracy, metrics.at("accuracy").get<double>(), 1e-9) << model_dir;
}

// Each fold's bundle records its own fold: eval of fold 1's validation split
// scores fold 1's held-out clips, the ones fold-1/metrics_validation.json has.
TEST(EvalOfARun, KFoldBundleEvaluatesItsOwnFold) {
  const fs::path dir = earshot::testing::ScratchDir("eval_kfold");
  fs::remove_all(dir);
  WriteToneSet(dir / "data", {{"high", 1800.0}, {"low", 300.0}, {"mid", 900.0}});
  RecipeOptions r = TinyRecipe((dir / "data").string(), 1);
  for (const char* s : {"data.split=kfold", "data.folds=2", "train.all_folds=true", "train.epochs=1"}) {
    ApplySetting(r, s);
  }
  const std::string run = (dir / "run").string();
  TrainRecipe(r, run, false);
  for (int fold : {0, 1}) {
    const std::string model = run + "/fold-" + std::to_string(fold);
    RecipeOptions recorded;
    LoadTomlString(recorded, LoadBundle(model + "/best.bundle").info.recipe_toml, "bundle");
    EXPECT_EQ(recorded.data.fold, fold);
    ExpectEvalMatchesTheRun(model, (dir / "data").string(), "validation");
  }
}

// Speech Commands silence clips are background noise in training; eval
// makes the same ones, so it reports the run's test metrics. The second
// seed's bundle checks that its own loader seed is the one recorded.
TEST(EvalOfARun, SilenceClipsAreTheTrainersSoEvalGivesTheRunsTestMetrics) {
  const fs::path dir = earshot::testing::ScratchDir("eval_silence");
  fs::remove_all(dir);
  const fs::path data = dir / "data";
  WriteToneSet(data, {{"high", 1800.0}, {"low", 300.0}, {"mid", 900.0}});
  fs::create_directories(data / "_background_noise_");
  std::vector<float> noise(2 * kRate);
  for (size_t i = 0; i < noise.size(); ++i) noise[i] = 0.5f * std::sin(0.37f * i * i);
  WriteWav((data / "_background_noise_" / "hum.wav").string(), noise, kRate);
  RecipeOptions r = TinyRecipe(data.string(), 1);
  for (const char* s : {"data.wanted_words=high,low", "data.silence_percentage=100", "train.seeds=2",
                        "train.epochs=1"}) {
    ApplySetting(r, s);
  }
  const std::string run = (dir / "run").string();
  TrainRecipe(r, run, false);
  const std::string split = ReadFile(run + "/seed-1/split.csv");
  ASSERT_NE(split.find("_silence_/test/"), std::string::npos) << split;
  ExpectEvalMatchesTheRun(run + "/seed-1", data.string(), "test");
}

eval::Predictions FourClasses() {
  eval::Predictions p;
  p.ids = {"a.wav", "b.wav"};
  p.classes = {"cat", "dog", "eel", "fox"};
  p.columns = 4;
  p.scores = {0.1f, 0.5f, 0.3f, 0.1f,   //
              0.4f, 0.05f, 0.15f, 0.4f};
  return p;
}

TEST(PredictionFormats, FreesoundLinesHoldTheThreeBestLabels) {
  EXPECT_EQ(FormatFreesound(FourClasses()), "fname,label\na.wav,dog eel cat\nb.wav,cat fox eel\n");
}

TEST(PredictionFormats, TopKCsvAndJson) {
  EXPECT_EQ(FormatTopK(FourClasses(), 2, "csv"),
            "id,label_1,probability_1,label_2,probability_2\n"
            "a.wav,dog,0.5,eel,0.3\nb.wav,cat,0.4,fox,0.4\n");
  const auto j = nlohmann::json::parse(FormatTopK(FourClasses(), 1, "json"));
  EXPECT_EQ(j[1]["id"], "b.wav");
  EXPECT_EQ(j[1]["top"][0]["label"], "cat");
  EXPECT_THROW(FormatTopK(FourClasses(), 0, "csv"), Error);
}

TEST(PredictionFormats, DaconColumnsFollowTheTemplate) {
  const auto dir = earshot::testing::ScratchDir("dacon_template");
  const std::string tpl = (dir / "submission.csv").string();
  WriteFileAtomic(tpl, "id,fox,cat,eel,dog\nb,0,0,0,0\na,0,0,0,0\n");
  EXPECT_EQ(FormatDacon(FourClasses(), tpl),
            "id,fox,cat,eel,dog\nb,0.4,0.4,0.15,0.05\na,0.1,0.1,0.3,0.5\n");
  WriteFileAtomic(tpl, "id,fox,cat,eel,gnu\na,0,0,0,0\n");
  try {
    FormatDacon(FourClasses(), tpl);
    FAIL() << "an unknown template class was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'gnu'"), std::string::npos) << e.what();
  }
  WriteFileAtomic(tpl, "id,fox,cat,eel,dog\nz,0,0,0,0\n");
  EXPECT_THROW(FormatDacon(FourClasses(), tpl), Error);
  fs::remove_all(dir);
}

TEST(PredictionFormats, NpyWithIdsBesideIt) {
  const auto dir = earshot::testing::ScratchDir("npy_ids");
  const std::string npy = (dir / "test_pred.npy").string();
  EXPECT_EQ(WriteNpyWithIds(npy, FourClasses()), (dir / "test_pred.ids.txt").string());
  EXPECT_EQ(ReadFile((dir / "test_pred.ids.txt").string()), "a.wav\nb.wav\n");
  const eval::Predictions back = eval::ReadPredictions(npy, {});
  EXPECT_EQ(back.columns, 4);
  EXPECT_EQ(back.scores, FourClasses().scores);
  fs::remove_all(dir);
}

// stdout, and stderr too unless `quiet`.
std::string RunCli(const std::string& args, int* status, bool quiet = false) {
  const testing::CommandResult r = testing::RunEarshot(
      args, quiet ? testing::Capture::kStdout : testing::Capture::kStdoutAndStderr);
  *status = r.status;
  return r.output;
}

TEST_F(EvalPredictTest, CommandLineEvalAndPredict) {
  int status = 0;
  const std::string json = RunCli("eval " + BundlePath(1) + " " + Data() + " --split all", &status, true);
  ASSERT_EQ(status, 0) << json;
  const auto j = nlohmann::json::parse(json);
  BundleEvalOptions all;
  all.split = "all";
  const BundleEval r = EvaluateBundles({BundlePath(1)}, Data(), all);
  EXPECT_EQ(j.at("clips").get<int>(), 24);
  EXPECT_NEAR(j.at("accuracy").get<double>(), *r.report.accuracy, 1e-12);

  const std::string clips = Data() + "/high";
  const std::string fs_out = RunCli("predict " + BundlePath(1) + " " + BundlePath(2) + " " + clips +
                                        " --format freesound --combine geometric",
                                    &status);
  ASSERT_EQ(status, 0) << fs_out;
  std::istringstream lines(fs_out);
  std::string line;
  std::getline(lines, line);
  EXPECT_EQ(line, "fname,label");
  std::getline(lines, line);
  ASSERT_EQ(line.rfind("c0_nohash_0.wav,", 0), 0u) << line;
  std::string three = line.substr(line.find(',') + 1);
  std::sort(three.begin(), three.end());
  std::string want = "high low mid";
  std::sort(want.begin(), want.end());
  EXPECT_EQ(three, want) << line;

  const std::string bad = RunCli("predict " + BundlePath(1) + " " + clips + " --format dacon", &status);
  EXPECT_NE(status, 0);
  EXPECT_NE(bad.find("--template"), std::string::npos) << bad;
  const std::string missing = RunCli("eval " + (*dir_ / "none.bundle").string() + " " + Data(), &status);
  EXPECT_NE(status, 0);
  EXPECT_NE(missing.find("error: "), std::string::npos) << missing;
}

// Speech Commands names files alike in every word folder: files given by
// path keep their path as id, and two folders whose files would share ids
// are refused.
TEST_F(EvalPredictTest, SameNamedFilesInTwoFoldersGetTwoIds) {
  const std::string a = Data() + "/high/c0_nohash_0.wav", b = Data() + "/low/c0_nohash_0.wav";
  const std::vector<InputFile> files = ListInputs({a, b});
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0].id, a);
  EXPECT_EQ(files[1].id, b);
  int status = 0;
  const std::string csv = RunCli("predict " + BundlePath(1) + " " + a + " " + b, &status);
  ASSERT_EQ(status, 0) << csv;
  EXPECT_NE(csv.find("\n" + a + ","), std::string::npos) << csv;
  EXPECT_NE(csv.find("\n" + b + ","), std::string::npos) << csv;
  try {
    ListInputs({Data() + "/high", Data() + "/low"});
    FAIL() << "two rows named c0_nohash_0.wav";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'c0_nohash_0.wav'"), std::string::npos) << e.what();
  }
}

// One unreadable file costs its own row only: eval and predict leave it out
// and list it (stderr and the JSON), or with --on-bad-file fail stop naming it.
TEST_F(EvalPredictTest, UnreadableFilesAreSkippedAndListedOrFailNamingThem) {
  const fs::path data = *dir_ / "with_junk";
  fs::remove_all(data);
  fs::copy(Data(), data, fs::copy_options::recursive);
  const std::string junk = (data / "high" / "zz_nohash_0.wav").string();
  WriteFileAtomic(junk, "not audio");

  BundleEvalOptions all;
  all.split = "all";
  const BundleEval r = EvaluateBundles({BundlePath(1)}, data.string(), all);
  EXPECT_EQ(r.predictions.Rows(), 24);
  EXPECT_EQ(r.bad_files, 1);
  ASSERT_EQ(r.skipped.bad.size(), 1u);
  EXPECT_EQ(r.skipped.bad[0].path, junk);
  const auto j = nlohmann::json::parse(r.ToJson());
  EXPECT_EQ(j.at("skipped").at(0).at("path").get<std::string>(), junk);
  all.on_bad_file = "fail";
  try {
    EvaluateBundles({BundlePath(1)}, data.string(), all);
    FAIL() << "--on-bad-file fail went on";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(junk), std::string::npos) << e.what();
  }

  int status = 0;
  const std::string eval_log = RunCli("eval " + BundlePath(1) + " " + data.string() + " --split all", &status);
  ASSERT_EQ(status, 0) << eval_log;
  EXPECT_NE(eval_log.find("skipped: 1 of 25 files unreadable"), std::string::npos) << eval_log;

  const std::string json = RunCli("predict " + BundlePath(1) + " " + (data / "high").string() + " --format json",
                                  &status, true);
  ASSERT_EQ(status, 0) << json;
  const auto rows = nlohmann::json::parse(json);
  ASSERT_EQ(rows.size(), 9u);
  EXPECT_EQ(rows.at(8).at("id").get<std::string>(), "zz_nohash_0.wav");
  EXPECT_NE(rows.at(8).at("skipped").get<std::string>().find("not a sound file"), std::string::npos) << json;
  for (size_t i = 0; i < 8; ++i) EXPECT_EQ(rows.at(i).at("top").size(), 3u);
  const std::string failed =
      RunCli("predict " + BundlePath(1) + " " + (data / "high").string() + " --on-bad-file fail", &status);
  EXPECT_NE(status, 0);
  EXPECT_NE(failed.find(junk), std::string::npos) << failed;
}

// Many files: a progress bar on stderr, nothing but predictions on stdout.
TEST_F(EvalPredictTest, PredictShowsProgressOnStderrForManyFiles) {
  const fs::path many = *dir_ / "many";
  fs::remove_all(many);
  fs::create_directories(many);
  const auto tone = Tone(300.0, kRate / 4, 0.0);
  const int n = static_cast<int>(kProgressFiles) + 4;
  for (int i = 0; i < n; ++i) WriteWav((many / ("t" + std::to_string(i) + ".wav")).string(), tone, kRate);
  const std::string out = (*dir_ / "many.csv").string();
  const testing::CommandResult r = testing::RunEarshot(
      "predict " + BundlePath(1) + " " + many.string() + " --out " + out, testing::Capture::kStderr);
  ASSERT_EQ(r.status, 0) << r.output;
  const std::string csv = ReadFile(out);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), n + 1);
  EXPECT_NE(r.output.find("predict " + BundlePath(1)), std::string::npos) << r.output;
}

// --format npy writes the ensemble's matrix, its row ids and each model's
// matrix; --predictions reads such a saved set back in as one more model.
TEST_F(EvalPredictTest, CommandLineNpyAndSavedPredictions) {
  int status = 0;
  const std::string clips = Data() + "/mid";
  const std::string npy = (*dir_ / "mid.npy").string();
  const std::string log =
      RunCli("predict " + BundlePath(1) + " " + BundlePath(2) + " " + clips + " --format npy --out " + npy,
             &status);
  ASSERT_EQ(status, 0) << log;
  const std::string stem = (*dir_ / "mid").string();
  for (const std::string f : {npy, stem + ".ids.txt", stem + ".model-0.npy", stem + ".model-1.npy"}) {
    EXPECT_TRUE(FileExists(f)) << f << "\n" << log;
  }
  const eval::Predictions both = eval::ReadPredictions(npy, {});
  const eval::Predictions first = eval::ReadPredictions(stem + ".model-0.npy", {});
  const eval::Predictions second = eval::ReadPredictions(stem + ".model-1.npy", {});
  ASSERT_EQ(both.Rows(), 8);
  ASSERT_EQ(both.columns, 3);
  ASSERT_EQ(first.scores.size(), both.scores.size());
  ASSERT_EQ(second.scores.size(), both.scores.size());
  for (size_t i = 0; i < both.scores.size(); ++i) {
    EXPECT_NEAR(both.scores[i], 0.5f * (first.scores[i] + second.scores[i]), 1e-6) << i;
  }
  std::istringstream ids(ReadFile(stem + ".ids.txt"));
  std::string id;
  int rows = 0;
  while (std::getline(ids, id)) ++rows;
  EXPECT_EQ(rows, 8);

  // Bundle 1 plus bundle 2's saved matrix: the same answer as both bundles.
  const std::string two = RunCli("predict " + BundlePath(1) + " " + BundlePath(2) + " " + clips, &status, true);
  ASSERT_EQ(status, 0) << two;
  const std::string saved = RunCli("predict " + BundlePath(1) + " " + clips + " --predictions " + stem +
                                       ".model-1.npy",
                                   &status, true);
  ASSERT_EQ(status, 0) << saved;
  EXPECT_EQ(std::count(two.begin(), two.end(), '\n'), 9) << two;  // a header and 8 clips
  EXPECT_EQ(saved, two);

  // Saved .npy matrices alone carry no class names: an error that says so.
  const std::string nameless =
      RunCli("predict --predictions " + stem + ".model-0.npy --predictions " + stem + ".model-1.npy", &status);
  EXPECT_NE(status, 0);
  EXPECT_NE(nameless.find("no class names"), std::string::npos) << nameless;
  // A saved matrix with the wrong number of classes is refused, naming it.
  const std::string wrong = (*dir_ / "wrong.npy").string();
  eval::Predictions bad = first;
  bad.columns = 2;
  bad.scores.resize(16);
  eval::WritePredictions(wrong, bad);
  const std::string refused =
      RunCli("predict " + BundlePath(1) + " " + clips + " --predictions " + wrong, &status);
  EXPECT_NE(status, 0);
  EXPECT_NE(refused.find("wrong.npy"), std::string::npos) << refused;
}

// Seed 002's path end to end on a small synthesised soft-label set: two
// seeds trained with the KL loss, `earshot eval` reporting the KL of one
// bundle, `earshot predict` writing the DACON submission of both.
TEST(SoftLabels, TrainEvalAndDaconSubmission) {
  if (!testing::kWithSynth) GTEST_SKIP() << "built without synth (EARSHOT_WITH_SYNTH=OFF): no data set to train on";
  const fs::path dir = earshot::testing::ScratchDir("soft_labels");
  fs::remove_all(dir);
  const std::string data = (dir / "mixtures").string();
  int status = 0;
  const std::string made = RunCli("synth mixtures " + data + " --sources 4 --train 24 --test 6 --seed 3", &status);
  ASSERT_EQ(status, 0) << made;

  const fs::path configs = fs::path(EARSHOT_FIXTURES) / ".." / ".." / "configs";
  const RecipeOptions r = LoadRecipe((configs / "seed002-resmish.toml").string(),
                                     {"data.root=" + data, "model.name=seed003_dummy_2d",
                                      "train.epochs=2", "train.seeds=2", "loader.batch_size=8",
                                      "train.threads=1", "loader.threads=1", "store.threads=1"});
  const std::string run = (dir / "run").string();
  const TrainSummary s = TrainRecipe(r, run, false);
  ASSERT_EQ(s.models.size(), 2u);
  for (const auto& m : s.models) {
    EXPECT_TRUE(m.best_metrics.count("val_kl")) << m.dir;
    EXPECT_GT(m.best_metrics.at("val_kl"), 0.0);
  }

  // The command's KL is the library's, on every clip.
  const std::string bundle = s.models[0].best_bundle;
  const std::string json = RunCli("eval " + bundle + " " + data + " --split all", &status, true);
  ASSERT_EQ(status, 0) << json;
  const auto j = nlohmann::json::parse(json);
  BundleEvalOptions all;
  all.split = "all";
  const BundleEval e = EvaluateBundles({bundle}, data, all);
  ASSERT_TRUE(e.report.kl_divergence.has_value());
  EXPECT_EQ(e.task, "soft_label");
  EXPECT_EQ(j.at("clips").get<int>(), 24);
  EXPECT_NEAR(j.at("kl_divergence").get<double>(), *e.report.kl_divergence, 1e-9);
  // KL by hand from the library's own predictions and targets.
  double kl = 0.0;
  const int k = e.predictions.columns;
  for (int64_t row = 0; row < e.predictions.Rows(); ++row) {
    for (int c = 0; c < k; ++c) {
      const double t = e.targets[static_cast<size_t>(row * k + c)];
      const double p = e.predictions.scores[static_cast<size_t>(row * k + c)];
      if (t > 0) kl += t * std::log(t / std::max(p, 1e-12));
    }
  }
  EXPECT_NEAR(kl / static_cast<double>(e.predictions.Rows()), *e.report.kl_divergence, 1e-4);

  // The two seeds' mean, in the template's order and with its ids.
  const std::string out = (dir / "submission.csv").string();
  const std::string log = RunCli("predict " + s.models[0].best_bundle + " " + s.models[1].best_bundle + " " +
                                     data + "/test --format dacon --template " + data +
                                     "/submission.csv --out " + out,
                                 &status);
  ASSERT_EQ(status, 0) << log;
  std::istringstream want(ReadFile(data + "/submission.csv")), got(ReadFile(out));
  std::string want_line, got_line;
  std::getline(want, want_line);
  std::getline(got, got_line);
  EXPECT_EQ(got_line, want_line);
  int rows = 0;
  while (std::getline(want, want_line) && std::getline(got, got_line)) {
    ++rows;
    EXPECT_EQ(got_line.substr(0, got_line.find(',')), want_line.substr(0, want_line.find(',')));
    std::istringstream cells(got_line.substr(got_line.find(',') + 1));
    std::string cell;
    double sum = 0.0;
    while (std::getline(cells, cell, ',')) sum += std::stod(cell);
    EXPECT_NEAR(sum, 1.0, 1e-4) << got_line;
  }
  EXPECT_EQ(rows, 6);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace earshot
