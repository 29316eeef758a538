// Faults during training and damaged inputs (docs/reliability.md): a full
// disk while a checkpoint, bundle, log or report is written; bundles that
// are truncated, bit-flipped or of a newer format; recipes of a newer
// version; data that changed before --resume. Each gives an error naming
// the file, and the last good files stay whole and loadable.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "../temp_dir.h"
#include "earshot/inference/bundle.h"
#include "earshot/report/run_report.h"
#include "earshot/training/recipe.h"
#include "earshot/training/trainer.h"
#include "earshot/training/training_observer.h"
#include "earshot/util/error.h"
#include "earshot/util/files.h"
#include "tone_run.h"

namespace earshot {
namespace {

// Training without the console's progress bars.
class QuietObserver : public TrainingObserver {};

TrainSummary Train(const RecipeOptions& r, const std::string& out, bool resume) {
  QuietObserver quiet;
  return TrainRecipe(r, out, resume, &quiet);
}

class Faults : public ::testing::Test {
 protected:
  void TearDown() override { SetWriteFaultForTesting(""); }
};

// The disk fills while the third epoch's files are written: the error names
// the file and the reason, the second epoch's checkpoint and bundles stay
// whole, and --resume then ends where an uninterrupted run does.
TEST_F(Faults, FullDiskDuringARunKeepsTheLastGoodFilesAndResumeFinishes) {
  const fs::path root = MakeToneSet("faults_full_disk");
  const fs::path dir = root.parent_path();
  RecipeOptions r = TinyRecipe(root);
  const std::string reference = (dir / "reference").string();
  fs::remove_all(reference);
  Train(r, reference, false);
  const std::string want_log = ReadFile(reference + "/model/log.csv");

  // Per file: the write that fails (the third epoch's, or the first).
  const std::vector<std::pair<std::string, int>> faults{
      {"/checkpoint", 3}, {"/last.bundle", 3}, {"/log.csv", 3}, {"/data.json", 1}, {"/summary.json", 1}};
  for (const auto& [part, nth] : faults) {
    SCOPED_TRACE(part);
    const std::string run = (dir / ("run" + std::to_string(nth) + part.substr(1))).string();
    fs::remove_all(run);
    SetWriteFaultForTesting("enospc:" + std::to_string(nth) + ":" + part);
    try {
      Train(r, run, false);
      ADD_FAILURE() << "the full disk went unnoticed";
    } catch (const Error& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find(run), std::string::npos) << what;
      EXPECT_NE(what.find(part + ": cannot write"), std::string::npos) << what;
      EXPECT_NE(what.find("No space left on device"), std::string::npos) << what;
    }
    SetWriteFaultForTesting("");
    for (const auto& entry : fs::recursive_directory_iterator(run)) {
      EXPECT_NE(entry.path().extension(), ".tmp") << entry.path();
    }
    if (nth == 3) {
      // The second epoch's files: whole and loadable.
      EXPECT_NO_THROW(LoadBundle(run + "/model/last.bundle"));
      EXPECT_NO_THROW(LoadBundle(run + "/model/best.bundle"));
      EXPECT_TRUE(FileExists(run + "/model/checkpoint"));
    }
    if (part == "/data.json") {
      // No epoch was trained: the run starts again.
      Train(r, run, false);
    } else {
      Train(r, run, true);
    }
    EXPECT_EQ(ReadFile(run + "/model/log.csv"), want_log);
    EXPECT_EQ(Weights(run + "/model/last.bundle"), Weights(reference + "/model/last.bundle"));
    EXPECT_EQ(Weights(run + "/model/best.bundle"), Weights(reference + "/model/best.bundle"));
  }

  // The report: its error names the page; the previous page stays.
  report::ReportOptions o;
  const std::string page = report::WriteRunReport(reference, o);
  const std::string before = ReadFile(page);
  SetWriteFaultForTesting("enospc:1:/report.html");
  ExpectError([&] { report::WriteRunReport(reference, o); },
              {reference + "/report.html: cannot write", "No space left on device"});
  EXPECT_EQ(ReadFile(page), before);
}

// A checkpoint damaged on disk (cut short, or a bit flipped in its state)
// is refused by --resume naming it, never a crash; whole again, it resumes.
TEST_F(Faults, DamagedCheckpointIsRefusedNamingIt) {
  const fs::path root = MakeToneSet("faults_checkpoint");
  const std::string run = (root.parent_path() / "run").string();
  fs::remove_all(run);
  RecipeOptions r = TinyRecipe(root);
  r.train.epochs = 1;
  Train(r, run, false);
  r.train.epochs = 2;
  const std::string path = run + "/model/checkpoint";
  const std::string bytes = ReadFile(path);
  for (size_t keep : {size_t{0}, size_t{64}, bytes.size() / 2, bytes.size() - 10}) {
    SCOPED_TRACE(keep);
    WriteFileAtomic(path, bytes.substr(0, keep));
    ExpectError([&] { Train(r, run, true); }, {path + ": cannot resume"});
  }
  std::mt19937 rng(3);
  for (int t = 0; t < 8; ++t) {
    std::string flipped = bytes;
    const size_t at = rng() % flipped.size();
    flipped[at] = static_cast<char>(flipped[at] ^ (1 << (rng() % 8)));
    WriteFileAtomic(path, flipped);
    try {
      Train(r, run, true);
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << "byte " << at << ": " << e.what();
    } catch (const std::exception& e) {
      ADD_FAILURE() << "byte " << at << ": not an earshot::Error: " << e.what();
    }
    // Whatever the flip did, the next trial starts from the good checkpoint.
    fs::remove_all(run);
    r.train.epochs = 1;
    Train(r, run, false);
    r.train.epochs = 2;
  }
  WriteFileAtomic(path, bytes);
  EXPECT_EQ(Train(r, run, true).models.at(0).epochs_run, 2);
}

// A bundle as it was written, then damaged in each way a copy or a disk can
// damage it: every damage is refused naming the file, never a crash.
class DamagedBundle : public Faults {
 protected:
  void SetUp() override {
    dir_ = testing::FreshDir();
    info_ = DsCnnInfo();
    model_ = BuildModel(info_.model, info_.example_shape, 3);
    path_ = (dir_ / "model.bundle").string();
    SaveBundle(path_, info_, *model_);
    bytes_ = ReadFile(path_);
  }
  std::string Damaged(const std::string& name, const std::string& bytes) {
    const std::string p = (dir_ / name).string();
    WriteFileAtomic(p, bytes);
    return p;
  }
  fs::path dir_;
  BundleInfo info_;
  std::shared_ptr<Classifier> model_;
  std::string path_, bytes_;
};

TEST_F(DamagedBundle, TruncatedIsRefusedNamingTheFile) {
  for (size_t keep : {size_t{0}, size_t{100}, bytes_.size() / 2, bytes_.size() - 1}) {
    SCOPED_TRACE(keep);
    const std::string p = Damaged("cut.bundle", bytes_.substr(0, keep));
    ExpectError([&] { LoadBundle(p); }, {p + ": "});
  }
  const std::string p = Damaged("cut.bundle", bytes_.substr(0, bytes_.size() / 2));
  ExpectError([&] { LoadBundle(p); }, {p + ": not a model bundle"});
}

// One bit flipped at a time, at positions spread over the whole file: each
// load either refuses the file naming it (first, or as "FILE [part]" when
// the damage makes a recorded option unknown), or (a bit of the archive's own
// bookkeeping the reader does not use) gives the same outputs as the
// original. Nothing else escapes: no LibTorch error, no crash.
TEST_F(DamagedBundle, AnyFlippedBitIsRefusedNamingTheFileOrChangesNothing) {
  const Bundle original = LoadBundle(path_);
  const torch::Tensor x = torch::randn({2, 1, 20, 101}, torch::TensorOptions().dtype(torch::kFloat32));
  torch::NoGradGuard no_grad;
  const torch::Tensor want = original.model->forward(x);
  std::mt19937 rng(11);
  int refused = 0;
  const int trials = 60;
  for (int t = 0; t < trials; ++t) {
    std::string bytes = bytes_;
    const size_t at = t * bytes.size() / trials + rng() % (bytes.size() / trials);
    bytes[at] = static_cast<char>(bytes[at] ^ (1 << (rng() % 8)));
    const std::string p = Damaged("flipped.bundle", bytes);
    try {
      const Bundle b = LoadBundle(p);
      EXPECT_TRUE(torch::equal(b.model->forward(x), want)) << "bit flipped at byte " << at << " went unnoticed";
    } catch (const Error& e) {
      ++refused;
      EXPECT_EQ(std::string(e.what()).rfind(p, 0), 0u) << "byte " << at << ": " << e.what();
    } catch (const std::exception& e) {
      ADD_FAILURE() << "byte " << at << ": not an earshot::Error: " << e.what();
    }
  }
  EXPECT_GT(refused, trials / 2);
}

// A bundle of a newer format: refused by its version before anything else
// is read from it.
TEST_F(DamagedBundle, NewerFormatVersionIsRefusedNamingBothVersions) {
  torch::serialize::InputArchive in;
  in.load_from(path_);
  c10::IValue meta, sum;
  ASSERT_TRUE(in.try_read("earshot_meta", meta));
  nlohmann::json j = nlohmann::json::parse(meta.toStringRef());
  EXPECT_EQ(j.at("version").get<int>(), 1);
  j["version"] = 2;
  j["features"] = "a layout this build does not know";
  torch::serialize::OutputArchive out;
  model_->save(out);
  out.write("earshot_meta", c10::IValue(j.dump()));
  const std::string p = (dir_ / "newer.bundle").string();
  out.save_to(p);
  try {
    LoadBundle(p);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kMismatch);
    EXPECT_EQ(std::string(e.what()), p + ": bundle format version 2 is newer than this earshot reads (1)");
  }
}

// A recipe written by a newer earshot (a version above this build's, and
// keys it does not know) is refused by its version, naming the file.
TEST(RecipeVersion, ANewerRecipeIsRefusedNamingTheFileAndTheVersions) {
  const fs::path dir = testing::FreshDir();
  const std::string path = (dir / "new.toml").string();
  WriteFileAtomic(path, "version = 2\nname = \"x\"\n[train]\nnew_thing = 1\n");
  try {
    LoadRecipe(path, {});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kMismatch);
    EXPECT_EQ(std::string(e.what()),
              path + ": recipe version 2 is newer than this earshot reads (1); train it with a newer earshot");
  }
  // The resolved recipe records the version; a recipe without one is version 1.
  WriteFileAtomic(path, "name = \"x\"\n[data]\nroot = \"somewhere\"\n");
  const RecipeOptions r = LoadRecipe(path, {});
  EXPECT_EQ(r.version, 1);
  EXPECT_NE(ToToml(r).find("\nversion = 1\n"), std::string::npos) << ToToml(r);
  ExpectError([&] { LoadRecipe(path, {"version=3"}); }, {"--version=3", "recipe versions 1 to 1"});
}

// --resume continues on the data the run started with: a clip rewritten,
// deleted or added since is refused naming it, before the run's files are
// touched; with the data restored the run resumes.
TEST(ResumeData, ChangedDataIsRefusedNamingTheClip) {
  const fs::path root = MakeToneSet("faults_changed_data");
  const std::string run = (root.parent_path() / "run").string();
  fs::remove_all(run);
  RecipeOptions r = TinyRecipe(root);
  RecipeOptions first = r;
  first.train.epochs = 2;
  Train(first, run, false);
  const std::string recipe_before = ReadFile(run + "/recipe.toml");
  const std::string manifest = ReadFile(run + "/clips.tsv");
  EXPECT_EQ(std::count(manifest.begin(), manifest.end(), '\n'), 1 + 42) << manifest;

  const fs::path clip = *fs::directory_iterator(root / "mid");
  const fs::path saved = root.parent_path() / "saved.wav";
  fs::copy_file(clip, saved, fs::copy_options::overwrite_existing);
  // Rewritten: the same length, other audio.
  std::vector<float> other(4000, 0.25f);
  WriteWav(clip.string(), other, 8000);
  ExpectError([&] { Train(r, run, true); }, {"--resume " + run + ": " + clip.string() + " holds other audio"});
  // Deleted.
  fs::remove(clip);
  ExpectError([&] { Train(r, run, true); },
              {clip.string() + " was in the data when the run started and is not now"});
  // Unreadable.
  WriteFileAtomic(clip.string(), "not a sound file");
  ExpectError([&] { Train(r, run, true); }, {clip.string() + " cannot be read now"});
  fs::copy_file(saved, clip, fs::copy_options::overwrite_existing);
  // Added.
  const fs::path added = root / "low" / "0000ffff_nohash_0.wav";
  fs::copy_file(saved, added);
  ExpectError([&] { Train(r, run, true); }, {added.string() + " is in the data now but was not"});
  fs::remove(added);
  EXPECT_EQ(ReadFile(run + "/recipe.toml"), recipe_before);

  // Restored: the run resumes and ends as an uninterrupted one.
  Train(r, run, true);
  const std::string reference = (root.parent_path() / "reference").string();
  fs::remove_all(reference);
  Train(r, reference, false);
  EXPECT_EQ(ReadFile(run + "/model/log.csv"), ReadFile(reference + "/model/log.csv"));
  EXPECT_EQ(ReadFile(run + "/clips.tsv"), ReadFile(reference + "/clips.tsv"));
}

}  // namespace
}  // namespace earshot
