#include "earshot/training/trainer.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <set>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "earshot/data/load_clips.h"
#include "earshot/data/loader.h"
#include "earshot/data/readers.h"
#include "earshot/data/splits.h"
#include "earshot/eval/ensemble.h"
#include "earshot/eval/metrics.h"
#include "earshot/features/frontend.h"
#include "earshot/inference/bundle.h"
#include "earshot/models/zoo.h"
#include "earshot/training/early_stopping.h"
#include "earshot/training/epoch_log.h"
#include "earshot/training/evaluate.h"
#include "earshot/training/loss.h"
#include "earshot/training/metric_monitor.h"
#include "earshot/training/optimizer.h"
#include "earshot/training/schedule.h"
#include "earshot/util/error.h"
#include "earshot/util/files.h"
#include "earshot/util/progress.h"

namespace earshot {
namespace {

using nlohmann::json;

constexpr const char* kVersion = EARSHOT_VERSION;  // CMakeLists.txt: project()

struct Job {
  std::string name;  // model | fold-K | seed-S | fold-K-seed-S
  int fold = -1;
  int seed_index = 0;
};

std::vector<Job> MakeJobs(const RecipeOptions& r) {
  std::vector<int> folds{-1};
  if (r.train.all_folds) {
    folds.clear();
    for (int f = 0; f < r.data.folds; ++f) folds.push_back(f);
  }
  std::vector<Job> jobs;
  for (int f : folds) {
    for (int s = 0; s < r.train.seeds; ++s) {
      Job j{"", f, s};
      if (f >= 0) j.name = "fold-" + std::to_string(f);
      if (r.train.seeds > 1) j.name += (j.name.empty() ? "" : "-") + std::string("seed-") + std::to_string(s);
      if (j.name.empty()) j.name = "model";
      jobs.push_back(j);
    }
  }
  return jobs;
}

std::vector<int64_t> ClipsOf(const Dataset& ds, Split split) {
  std::vector<int64_t> out;
  for (size_t i = 0; i < ds.clips.size(); ++i) {
    if (ds.clips[i].split == split) out.push_back(static_cast<int64_t>(i));
  }
  return out;
}

std::string NowIso() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

// The metric names an epoch of this run reports, for checking monitors
// before training starts.
std::vector<std::string> MetricNames(const RecipeOptions& r, bool has_validation, int classes) {
  std::vector<std::string> names{"loss", "lr"};
  if (r.task == "single_label") names.push_back("accuracy");
  if (has_validation) {
    names.push_back("val_loss");
    names.push_back("val_accuracy");
    if (r.task == "single_label" && classes >= 3) names.push_back("val_map3");
    if (r.task == "soft_label") names.push_back("val_kl");
  }
  return names;
}

void AddValidationMetrics(const RecipeOptions& r, const ModelOutputs& o,
                          std::map<std::string, double>& m) {
  m["val_loss"] = o.loss;
  if (r.task == "single_label") {
    m["val_accuracy"] = eval::Accuracy(o.probabilities, o.classes, o.labels);
    if (o.classes >= 3) m["val_map3"] = eval::MapAtK(o.probabilities, o.classes, o.labels, 3);
  } else {
    // Agreement of the largest predicted and target shares.
    std::vector<int> target_top = eval::Argmax(o.targets, o.classes);
    m["val_accuracy"] = eval::Accuracy(o.probabilities, o.classes, target_top);
    m["val_kl"] = eval::MeanKlDivergence(o.probabilities, o.targets, o.classes);
  }
}

std::string MetricsJson(const RecipeOptions& r, const ModelOutputs& o,
                        const std::vector<std::string>& classes) {
  if (r.task == "soft_label") return eval::EvaluateSoftLabels(o.probabilities, o.targets, classes).ToJson();
  return eval::EvaluateSingleLabel(o.probabilities, o.labels, classes).ToJson();
}

// Writes predictions of dataset clips and their metrics into `dir`;
// returns the metrics JSON.
std::string WriteScored(const RecipeOptions& r, const Dataset& ds, const eval::Predictions& p,
                        const std::string& dir, const std::string& split) {
  MakeDirs(dir);
  eval::WritePredictions(dir + "/predictions_" + split + ".csv", p);
  ModelOutputs o;
  o.rows = p.Rows();
  o.classes = p.columns;
  o.probabilities = p.scores;
  std::map<std::string, size_t> by_id;
  for (size_t i = 0; i < ds.clips.size(); ++i) by_id[ds.clips[i].id] = i;
  for (const auto& id : p.ids) {
    const ClipRef& c = ds.clips[by_id.at(id)];
    o.labels.push_back(c.label);
    if (!c.soft.empty()) o.targets.insert(o.targets.end(), c.soft.begin(), c.soft.end());
  }
  const std::string metrics = MetricsJson(r, o, ds.classes);
  WriteFileAtomic(dir + "/metrics_" + split + ".json", metrics + "\n");
  return metrics;
}

eval::Predictions ToPredictions(const ModelOutputs& o, const Dataset& ds, const std::string& source) {
  eval::Predictions p;
  p.source = source;
  p.classes = ds.classes;
  p.columns = o.classes;
  p.scores = o.probabilities;
  for (int64_t c : o.clips) p.ids.push_back(ds.clips[static_cast<size_t>(c)].id);
  return p;
}

std::string FormatMetrics(const std::map<std::string, double>& m) {
  std::ostringstream os;
  os.precision(4);
  for (const char* k : {"loss", "accuracy", "val_loss", "val_accuracy", "val_kl", "val_map3"}) {
    auto it = m.find(k);
    if (it != m.end()) os << k << " " << it->second << "  ";
  }
  return os.str();
}

// OpenMP's idle threads spin between parallel regions. With as many compute
// threads as cores, the loader's worker preempts them and each region waits
// for the one that was preempted: training runs several times slower
// (docs/benchmarks.md, "Threads"). libgomp reads OMP_WAIT_POLICY when it
// loads, so all the trainer can do is say so.
void WarnIfComputeThreadsFillTheCores(int threads) {
  const int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  if (threads < 2 || threads < cores || std::getenv("OMP_WAIT_POLICY") != nullptr) return;
  std::cerr << "warning: train.threads = " << threads << " leaves none of the " << cores
            << " cores to the data loader; waiting OpenMP threads spin and can slow training"
            << " several times over. Set OMP_WAIT_POLICY=PASSIVE in the environment, or lower"
            << " train.threads.\n";
}

// Everything one model's training needs, and its loop.
class ModelTrainer {
 public:
  ModelTrainer(const RecipeOptions& r, const Dataset& ds, const LoadedClips& loaded,
               const FrontEnd& fe, const Job& job, std::string dir)
      : r_(r), ds_(ds), loaded_(loaded), fe_(fe), job_(job), dir_(std::move(dir)) {}

  ModelRunSummary Run(bool resume, double& train_seconds, int64_t& train_examples);

 private:
  void SaveCheckpoint(int epoch, bool stopped);
  bool LoadCheckpoint(int& epoch, bool& stopped);
  BundleInfo Info(int epoch, const std::map<std::string, double>& metrics) const;
  RecipeOptions ModelRecipe() const;
  void Export(const std::unique_ptr<BatchLoader>& loader, const std::string& split,
              ModelRunSummary& summary);

  const RecipeOptions& r_;
  const Dataset& ds_;
  const LoadedClips& loaded_;
  const FrontEnd& fe_;
  Job job_;
  std::string dir_;
  int seed_ = 0;
  FeatureNorm norm_;
  std::vector<int64_t> example_shape_;
  std::shared_ptr<Classifier> model_;
  std::unique_ptr<torch::optim::Optimizer> optimizer_;
  std::unique_ptr<LrSchedule> schedule_;
  std::unique_ptr<EarlyStopping> stop_;
  std::unique_ptr<MetricMonitor> best_;
  EpochLog log_;
  std::vector<double> epoch_rates_;  // training clips per second, per epoch run here
};

// The recipe that trains this one model: its fold validates and its seeds
// are the ones used, so that `eval` of its bundle reads the split it was
// trained on and draws the same silence clips.
RecipeOptions ModelTrainer::ModelRecipe() const {
  RecipeOptions r = r_;
  if (job_.fold >= 0) r.data.fold = job_.fold;
  r.train.all_folds = false;
  r.train.seeds = 1;
  r.train.seed = r_.train.seed + job_.seed_index;
  r.loader.seed = r_.loader.seed + job_.seed_index;
  return r;
}

BundleInfo ModelTrainer::Info(int epoch, const std::map<std::string, double>& metrics) const {
  const RecipeOptions own = ModelRecipe();
  BundleInfo info;
  info.features = own.features;
  info.model = own.model;
  info.labels = ds_.classes;
  info.task = own.task;
  info.output = own.train.loss.Output();
  info.data = own.data;
  info.store = own.store;
  info.loader = own.loader;
  info.clip_samples = own.loader.clip.Length(own.features.sample_rate);
  info.example_shape = example_shape_;
  info.normalizer_json = norm_.mode == "none" ? "" : norm_.ToJson();
  info.recipe_toml = ToToml(own);
  json prov;
  prov["earshot"] = kVersion;
  prov["created"] = NowIso();
  prov["recipe"] = r_.name;
  prov["data_root"] = r_.data.root;
  prov["run"] = job_.name;
  prov["seed"] = seed_;
  prov["threads"] = torch::get_num_threads();  // as the caller set them (SetComputeThreads)
  prov["fold"] = job_.fold;
  prov["epoch"] = epoch + 1;
  prov["metrics"] = metrics;
  prov["parameters"] = CountParameters(*model_);
  info.provenance_json = prov.dump();
  return info;
}

void ModelTrainer::SaveCheckpoint(int epoch, bool stopped) {
  json state;
  state["epoch"] = epoch;
  state["stopped"] = stopped;
  state["log"] = log_.ToJson();
  state["schedule"] = schedule_->StateJson();
  state["early_stopping"] = stop_->StateJson();
  state["best"] = best_->StateJson();
  torch::serialize::OutputArchive archive, model_archive, optimizer_archive;
  model_->save(model_archive);
  optimizer_->save(optimizer_archive);
  archive.write("model", model_archive);
  archive.write("optimizer", optimizer_archive);
  archive.write("state", c10::IValue(state.dump()));
  std::ostringstream bytes;
  archive.save_to(bytes);
  WriteFileAtomic(dir_ + "/checkpoint", bytes.str());
}

bool ModelTrainer::LoadCheckpoint(int& epoch, bool& stopped) {
  const std::string path = dir_ + "/checkpoint";
  if (!FileExists(path)) return false;
  try {
    torch::serialize::InputArchive archive, model_archive, optimizer_archive;
    archive.load_from(path);
    archive.read("model", model_archive);
    archive.read("optimizer", optimizer_archive);
    c10::IValue state_value;
    archive.read("state", state_value);
    model_->load(model_archive);
    optimizer_->load(optimizer_archive);
    const json state = json::parse(state_value.toStringRef());
    epoch = state.at("epoch").get<int>();
    stopped = state.at("stopped").get<bool>();
    log_.LoadJson(state.at("log").get<std::string>());
    schedule_->LoadStateJson(state.at("schedule").get<std::string>());
    stop_->LoadStateJson(state.at("early_stopping").get<std::string>());
    best_->LoadStateJson(state.at("best").get<std::string>());
  } catch (const c10::Error& e) {
    const std::string what = e.what();
    ThrowMismatch(path + ": cannot resume: the checkpoint does not fit this recipe (" +
                  what.substr(0, what.find('\n')) + ")");
  } catch (const json::exception& e) {
    ThrowBadData(path + ": cannot resume: damaged checkpoint state (" + e.what() + ")");
  }
  return true;
}

void ModelTrainer::Export(const std::unique_ptr<BatchLoader>& loader, const std::string& split,
                          ModelRunSummary& summary) {
  if (!loader) return;
  const ModelOutputs o = RunModel(*model_, *loader, r_.train.loss);
  const std::string metrics = MetricsJson(r_, o, ds_.classes);
  WriteFileAtomic(dir_ + "/metrics_" + split + ".json", metrics + "\n");
  eval::WritePredictions(dir_ + "/predictions_" + split + ".csv",
                         ToPredictions(o, ds_, dir_ + "/predictions_" + split + ".csv"));
  (split == "test" ? summary.test_metrics_json : summary.validation_metrics_json) = metrics;
}

ModelRunSummary ModelTrainer::Run(bool resume, double& train_seconds, int64_t& train_examples) {
  MakeDirs(dir_);
  SaveSplit(ds_, dir_ + "/split.csv");
  const auto train_idx = ClipsOf(ds_, Split::kTrain);
  const auto val_idx = ClipsOf(ds_, Split::kValidation);
  const auto test_idx = ClipsOf(ds_, Split::kTest);

  // The loader's workers take the cores LibTorch's threads leave free, and
  // at least one: OpenMP's spinning threads slow down badly when another
  // busy thread shares their core.
  const RecipeOptions own = ModelRecipe();
  LoaderOptions lo = own.loader;
  const int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  lo.threads = std::max(1, std::min(lo.threads, cores - r_.train.ComputeThreads()));

  BatchLoader train(ds_, loaded_, train_idx, fe_, lo, BatchLoader::Mode::kTrain);
  std::unique_ptr<BatchLoader> val, test;
  if (!val_idx.empty()) {
    val = std::make_unique<BatchLoader>(ds_, loaded_, val_idx, fe_, lo, BatchLoader::Mode::kEval);
  }
  if (!test_idx.empty()) {
    test = std::make_unique<BatchLoader>(ds_, loaded_, test_idx, fe_, lo, BatchLoader::Mode::kEval);
  }
  if (r_.train.normalize != "none") {
    BatchLoader fit(ds_, loaded_, train_idx, fe_, lo, BatchLoader::Mode::kEval);
    norm_ = FitFeatureNorm(fit, r_.train.normalize);
    train.SetNorm(norm_);
    if (val) val->SetNorm(norm_);
    if (test) test->SetNorm(norm_);
  }
  example_shape_ = train.ExampleShape();

  seed_ = own.train.seed;
  torch::manual_seed(static_cast<uint64_t>(seed_));
  const int classes = static_cast<int>(ds_.classes.size());
  model_ = BuildModel(r_.model, example_shape_, classes);
  optimizer_ = MakeOptimizer(r_.train.optimizer, model_->parameters());
  schedule_ = std::make_unique<LrSchedule>(r_.train.schedule, r_.train.optimizer.LearningRate(),
                                           r_.train.epochs);
  stop_ = std::make_unique<EarlyStopping>(r_.train.early_stopping);
  best_ = std::make_unique<MetricMonitor>(r_.train.checkpoint.monitor, r_.train.checkpoint.mode);

  int last_epoch = -1;
  bool stopped = false;
  if (resume && LoadCheckpoint(last_epoch, stopped)) {
    std::cerr << job_.name << ": resuming after epoch " << last_epoch + 1 << "\n";
  }
  std::cerr << job_.name << ": " << r_.model.name << ", " << CountParameters(*model_)
            << " parameters, input [";
  for (size_t i = 0; i < example_shape_.size(); ++i) std::cerr << (i ? ", " : "") << example_shape_[i];
  std::cerr << "], " << train.NumExamples() << " training clips, "
            << (val ? val->NumExamples() : 0) << " validation, " << (test ? test->NumExamples() : 0)
            << " test\n";

  const int steps = static_cast<int>(train.NumBatches());
  for (int epoch = last_epoch + 1; epoch < r_.train.epochs && !stopped; ++epoch) {
    // Dropout draws from this seed: a resumed run repeats the epoch exactly.
    torch::manual_seed(static_cast<uint64_t>(seed_) * 1000003ULL + static_cast<uint64_t>(epoch));
    model_->train();
    train.Start(epoch);
    ProgressBar bar("epoch " + std::to_string(epoch + 1) + "/" + std::to_string(r_.train.epochs), steps);
    double loss_sum = 0.0;
    int64_t seen = 0, correct = 0;
    const auto t0 = std::chrono::steady_clock::now();
    int step = 0;
    double lr = 0.0;
    while (auto batch = train.Next()) {
      lr = schedule_->LearningRate(epoch, step, steps);
      SetLearningRate(*optimizer_, lr);
      std::vector<int64_t> shape{batch->size};
      shape.insert(shape.end(), batch->shape.begin(), batch->shape.end());
      const auto x = torch::from_blob(batch->features.data(), shape, torch::kFloat32);
      const auto t = torch::from_blob(batch->targets.data(), {batch->size, classes}, torch::kFloat32);
      optimizer_->zero_grad();
      const auto logits = model_->forward(x);
      const auto loss = ComputeLoss(r_.train.loss, logits, t);
      loss.backward();
      ClipGradients(r_.train.optimizer, *optimizer_);
      optimizer_->step();
      loss_sum += loss.item<double>() * static_cast<double>(batch->size);
      const auto predicted = logits.argmax(1);
      const auto wanted = t.argmax(1);
      correct += predicted.eq(wanted).sum().item<int64_t>();
      seen += batch->size;
      ++step;
      bar.Update(step, "loss " + std::to_string(loss_sum / static_cast<double>(seen)).substr(0, 6));
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    train_seconds += seconds;
    train_examples += seen;
    epoch_rates_.push_back(seconds > 0 ? static_cast<double>(seen) / seconds : 0.0);
    std::map<std::string, double> m;
    m["loss"] = seen ? loss_sum / static_cast<double>(seen) : 0.0;
    if (r_.task == "single_label") m["accuracy"] = seen ? static_cast<double>(correct) / seen : 0.0;
    m["lr"] = lr;
    if (val) AddValidationMetrics(r_, RunModel(*model_, *val, r_.train.loss), m);
    bar.Finish(FormatMetrics(m));
    if (r_.train.schedule.name == "plateau") schedule_->Observe(m.at(r_.train.schedule.monitor));
    log_.Add(epoch, m);
    log_.Write(dir_);
    if (best_->Update(m)) SaveBundle(dir_ + "/best.bundle", Info(epoch, m), *model_);
    stopped = stop_->Update(m);
    if (stopped) {
      std::cerr << job_.name << ": early stop after epoch " << epoch + 1 << " (" << r_.train.early_stopping.monitor
                << " last improved in epoch " << stop_->best_epoch() + 1 << ")\n";
    }
    SaveBundle(dir_ + "/last.bundle", Info(epoch, m), *model_);
    SaveCheckpoint(epoch, stopped);
  }
  log_.DrawCurves(dir_, r_.name + " " + job_.name);

  ModelRunSummary summary;
  summary.dir = dir_;
  summary.epochs_run = log_.NumEpochs();
  summary.epoch_clips_per_second = epoch_rates_;
  summary.best_epoch = best_->best_epoch();
  if (summary.best_epoch >= 0 && summary.best_epoch < log_.NumEpochs()) {
    summary.best_metrics = log_.Row(summary.best_epoch);
  }
  summary.best_bundle = dir_ + (r_.train.reload_best ? "/best.bundle" : "/last.bundle");
  if (r_.train.reload_best) {
    // The exported weights are the best epoch's: evaluate those.
    Bundle best = LoadBundle(summary.best_bundle);
    model_ = best.model;
  }
  Export(val, "validation", summary);
  Export(test, "test", summary);
  return summary;
}

// What can be checked before a model trains, for every model of the run:
// training clips, monitors, the schedule, the model on the front end's
// output. Throws naming the option.
void CheckJobs(const RecipeOptions& r, Dataset& ds, const FrontEnd& fe, const std::vector<Job>& jobs) {
  const int classes = static_cast<int>(ds.classes.size());
  LrSchedule(r.train.schedule, r.train.optimizer.LearningRate(), r.train.epochs);
  BuildModel(r.model, fe.OutputShape(r.loader.clip.Length(r.features.sample_rate)), classes);
  for (const Job& job : jobs) {
    if (job.fold >= 0) UseFold(ds, job.fold);
    if (ClipsOf(ds, Split::kTrain).empty()) {
      ThrowMismatch(r.data.root + ": no training clips after the split" +
                    (job.fold >= 0 ? " (fold " + std::to_string(job.fold) + ")" : std::string()));
    }
    const auto names = MetricNames(r, !ClipsOf(ds, Split::kValidation).empty(), classes);
    if (r.train.early_stopping.enabled) {
      CheckMonitor(r.train.early_stopping.monitor, names, "train.early_stopping.monitor");
    }
    CheckMonitor(r.train.checkpoint.monitor, names, "train.checkpoint.monitor");
    if (r.train.schedule.name == "plateau") {
      CheckMonitor(r.train.schedule.monitor, names, "train.schedule.monitor");
    }
  }
}

// A run folder's own entries: what TrainRecipe and the report write there.
bool IsRunEntry(const std::filesystem::path& p) {
  const std::string name = p.filename().string();
  if (std::filesystem::is_directory(p)) {
    return name == "model" || name == "ensemble" || name == "oof" || name.rfind("fold-", 0) == 0 ||
           name.rfind("seed-", 0) == 0;
  }
  return name == "recipe.toml" || name == "data.json" || name == "summary.json" || name == "report.html";
}

// Whether some model of the run in `dir` completed an epoch (has a checkpoint).
bool HasTrained(const std::string& dir) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (IsRunEntry(entry.path()) && std::filesystem::exists(entry.path() / "checkpoint")) return true;
  }
  return false;
}

// A fresh run may not overwrite one that trained; what a run that failed
// before its first epoch ended left behind is replaced.
void CheckFreshRunDir(const std::string& out_dir) {
  if (FileExists(out_dir + "/recipe.toml") && HasTrained(out_dir)) {
    ThrowOption(out_dir + ": holds a run already; continue it with --resume " + out_dir +
                " or choose another --out");
  }
}

void ClearUntrainedRun(const std::string& out_dir) {
  if (!FileExists(out_dir + "/recipe.toml")) return;
  std::cerr << out_dir << ": replacing a run that completed no epoch\n";
  std::error_code ec;
  std::vector<std::filesystem::path> entries;
  for (const auto& entry : std::filesystem::directory_iterator(out_dir, ec)) {
    if (IsRunEntry(entry.path())) entries.push_back(entry.path());
  }
  for (const auto& p : entries) std::filesystem::remove_all(p, ec);
}

// Every recipe key with its value, dotted: "train.optimizer.lr" -> 0.001.
void FlattenRecipe(const json& j, const std::string& prefix, std::map<std::string, json>& out) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it->is_object()) FlattenRecipe(*it, prefix + it.key() + ".", out);
    else out[prefix + it.key()] = *it;
  }
}

// A resumed run continues the recorded one: only settings that change
// neither the model nor its data nor the learning-rate curve may differ.
void CheckResumable(const RecipeOptions& recipe, const std::string& out_dir) {
  const std::string path = out_dir + "/recipe.toml";
  if (!FileExists(path)) return;
  RecipeOptions recorded;
  LoadTomlFile(recorded, path);
  std::map<std::string, json> was, now;
  FlattenRecipe(json::parse(ToJson(recorded)), "", was);
  FlattenRecipe(json::parse(ToJson(recipe)), "", now);
  // Threads change the speed only; the bad-file policy can only stop a run
  // whose files went bad since, not change the clips it trains on.
  static const std::set<std::string> kFree{
      "name",          "description",     "train.threads",      "loader.threads", "loader.prefetch",
      "store.threads", "store.on_bad_file", "store.max_bad_fraction"};
  for (const auto& [key, value] : now) {
    const auto it = was.find(key);
    if (kFree.count(key) || (it != was.end() && it->second == value)) continue;
    const std::string old_value = it == was.end() ? "(not recorded)" : it->second.dump();
    if (key == "train.epochs") {
      if (recorded.train.schedule.name != "cosine") continue;
      ThrowOption("--resume " + out_dir + ": train.epochs was " + old_value + ", now " + value.dump() +
                  ": the cosine schedule's horizon is the run's epoch count, and changing it would "
                  "move the learning rate of the epochs left; resume with train.epochs=" + old_value +
                  ", or start a new run");
    }
    ThrowOption("--resume " + out_dir + ": " + key + " was " + old_value + ", now " + value.dump() +
                ": a resumed run continues the recorded model on the recorded data; resume without "
                "changing it, or start a new run with another --out");
  }
}

}  // namespace

TrainSummary TrainRecipe(const RecipeOptions& recipe, const std::string& out_dir, bool resume) {
  recipe.Validate();
  const auto start = std::chrono::steady_clock::now();
  // Everything that can be checked is checked before the run folder is
  // written to, so that a run that cannot start leaves nothing behind.
  if (resume) {
    CheckResumable(recipe, out_dir);
  } else {
    CheckFreshRunDir(out_dir);
  }
  WarnIfComputeThreadsFillTheCores(recipe.train.ComputeThreads());

  Dataset ds = ReadDataset(recipe.data);
  for (const auto& note : ds.notes) std::cerr << "data: " << note << "\n";
  if (ds.classes.empty()) ThrowMismatch(recipe.data.root + ": no classes: training needs labels");
  FrontEnd fe(recipe.features);
  const std::vector<Job> jobs = MakeJobs(recipe);
  CheckJobs(recipe, ds, fe, jobs);
  std::cerr << "loading " << ds.clips.size() << " clips from " << recipe.data.root << "\n";
  const LoadedClips loaded = LoadClips(ds, recipe.features.sample_rate, recipe.store);
  if (!loaded.bad.bad.empty()) std::cerr << loaded.bad.Summary();
  for (const auto& note : loaded.notes) std::cerr << "data: " << note << "\n";
  LeaveOutUnreadable(ds, loaded);

  if (!resume) ClearUntrainedRun(out_dir);
  MakeDirs(out_dir);
  WriteFileAtomic(out_dir + "/recipe.toml", ToToml(recipe));
  {
    json data;
    data["root"] = recipe.data.root;
    data["layout"] = ds.layout;
    data["classes"] = ds.classes;
    data["clips"] = ds.clips.size();
    data["noise_files"] = ds.noise_files.size();
    std::vector<std::string> notes = ds.notes;
    notes.insert(notes.end(), loaded.notes.begin(), loaded.notes.end());
    data["notes"] = notes;
    data["bad_files"] = loaded.bad.bad.size();
    data["above_full_scale"] = {{"clips", loaded.clips.NumScaled()},
                                {"largest_peak", loaded.clips.LargestPeak()}};
    json counts = json::object();
    for (const auto& c : ds.clips) {
      const std::string label = c.label >= 0 ? ds.classes[static_cast<size_t>(c.label)] : "(soft)";
      json& cell = counts[SplitName(c.split)][label];
      cell = cell.is_null() ? 1 : cell.get<int>() + 1;
    }
    data["counts"] = counts;
    WriteFileAtomic(out_dir + "/data.json", data.dump(2) + "\n");
  }

  TrainSummary summary;
  summary.dir = out_dir;
  double train_seconds = 0.0;
  int64_t train_examples = 0;
  std::vector<eval::Predictions> test_predictions;
  for (const Job& job : jobs) {
    if (job.fold >= 0) UseFold(ds, job.fold);
    ModelTrainer trainer(recipe, ds, loaded, fe, job, out_dir + "/" + job.name);
    summary.models.push_back(trainer.Run(resume, train_seconds, train_examples));
    const std::string test_csv = summary.models.back().dir + "/predictions_test.csv";
    if (FileExists(test_csv)) test_predictions.push_back(eval::ReadPredictions(test_csv, ds.classes));
  }

  json out;
  out["recipe"] = recipe.name;
  out["dir"] = out_dir;
  json models = json::array();
  for (const auto& m : summary.models) {
    json jm;
    jm["dir"] = m.dir;
    jm["bundle"] = m.best_bundle;
    jm["epochs_run"] = m.epochs_run;
    jm["best_epoch"] = m.best_epoch + 1;
    jm["best_metrics"] = m.best_metrics;
    jm["train_clips_per_second_by_epoch"] = m.epoch_clips_per_second;
    if (!m.test_metrics_json.empty()) jm["test"] = json::parse(m.test_metrics_json);
    models.push_back(jm);
  }
  out["models"] = models;
  if (test_predictions.size() > 1) {
    eval::EnsembleOptions eo;
    eo.method = eval::ParseEnsembleMethod(recipe.train.ensemble, "train.ensemble");
    summary.ensemble_test_metrics_json =
        WriteScored(recipe, ds, eval::Combine(test_predictions, eo), out_dir + "/ensemble", "test");
    out["ensemble_test"] = json::parse(summary.ensemble_test_metrics_json);
  }
  if (recipe.train.all_folds) {
    // Out-of-fold predictions: every training clip scored by the model
    // that did not train on it (seed 003).
    eval::Predictions oof;
    for (const auto& m : summary.models) {
      const eval::Predictions p = eval::ReadPredictions(m.dir + "/predictions_validation.csv", ds.classes);
      if (oof.columns == 0) {
        oof = p;
        oof.source = out_dir + "/oof/predictions_validation.csv";
        continue;
      }
      oof.ids.insert(oof.ids.end(), p.ids.begin(), p.ids.end());
      oof.scores.insert(oof.scores.end(), p.scores.begin(), p.scores.end());
    }
    if (oof.columns > 0) {
      out["out_of_fold"] = json::parse(WriteScored(recipe, ds, oof, out_dir + "/oof", "validation"));
    }
  }
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  summary.train_clips_per_second = train_seconds > 0 ? static_cast<double>(train_examples) / train_seconds : 0.0;
  out["seconds"] = summary.seconds;
  out["train_clips_per_second"] = summary.train_clips_per_second;
  WriteFileAtomic(out_dir + "/summary.json", out.dump(2) + "\n");
  return summary;
}

}  // namespace earshot
