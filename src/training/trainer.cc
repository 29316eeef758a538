#include "earshot/training/trainer.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <cstdlib>
#include <ctime>
#include <filesystem>
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
#include "data_parallel.h"
#include "earshot/training/distributed.h"
#include "earshot/training/early_stopping.h"
#include "earshot/training/epoch_log.h"
#include "earshot/training/evaluate.h"
#include "earshot/training/loss.h"
#include "earshot/training/metric_monitor.h"
#include "earshot/training/optimizer.h"
#include "earshot/training/schedule.h"
#include "earshot/util/error.h"
#include "earshot/util/files.h"
#include "earshot/util/random.h"

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

// The device train.device names, when this LibTorch has it.
torch::Device TrainingDevice(const RecipeOptions& recipe) {
  if (recipe.train.device != "cuda") return torch::kCPU;
  if (!torch::cuda::is_available()) {
    ThrowOption("--train.device = cuda, but this LibTorch has no CUDA or sees no GPU "
                "(torch::cuda::is_available() is false); use train.device = cpu");
  }
  return torch::kCUDA;
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

// OpenMP's idle threads spin between parallel regions. With as many compute
// threads as cores, the loader's worker preempts them and each region waits
// for the one that was preempted: training runs several times slower
// (docs/benchmarks.md, "Threads"). libgomp reads OMP_WAIT_POLICY when it
// loads, so all the trainer can do is say so.
void WarnIfComputeThreadsFillTheCores(int threads, TrainingObserver& observer) {
  const int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  if (threads < 2 || threads < cores || std::getenv("OMP_WAIT_POLICY") != nullptr) return;
  observer.OnMessage("warning: train.threads = " + std::to_string(threads) + " leaves none of the " +
                     std::to_string(cores) +
                     " cores to the data loader; waiting OpenMP threads spin and can slow training"
                     " several times over. Set OMP_WAIT_POLICY=PASSIVE in the environment, or lower"
                     " train.threads.");
}

// Each line of `text` as a message.
void SendLines(const std::string& text, TrainingObserver& observer) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) observer.OnMessage(line);
}

// Everything one model's training needs, and its steps: BuildLoaders,
// BuildModelAndOptimizer, Resume, then per epoch TrainEpoch, Validate, Judge and
// Checkpoint, and at the end Summarise and Export.
class ModelTrainer {
 public:
  // With `group`, this process is one rank of a data-parallel job: rank 0
  // alone writes.
  ModelTrainer(const RecipeOptions& r, const Dataset& ds, const LoadedClips& loaded,
               const FrontEnd& fe, const Job& job, std::string dir, TrainingObserver& observer,
               Communicator* group)
      : r_(r), ds_(ds), loaded_(loaded), fe_(fe), job_(job), dir_(std::move(dir)), observer_(observer),
        group_(group) {}

  ModelRunSummary Run(bool resume, double& train_seconds, int64_t& train_examples);

 private:
  void BuildLoaders();
  void BuildModelAndOptimizer();
  ModelStart Resume(bool resume, bool& stopped);
  EpochReport TrainEpoch(int epoch);
  void Validate(EpochReport& e);
  void Judge(EpochReport& e);
  void Checkpoint(const EpochReport& e);
  ModelRunSummary Summarise();
  void SaveCheckpoint(int epoch, bool stopped);
  bool LoadCheckpoint(int& epoch, bool& stopped);
  BundleInfo Info(int epoch, const std::map<std::string, double>& metrics) const;
  RecipeOptions ModelRecipe() const;
  void Export(const std::unique_ptr<BatchLoader>& loader, const std::string& split,
              ModelRunSummary& summary);
  // Whether this process writes the run's files: the only one, or rank 0.
  bool Writes() const { return !group_ || group_->rank() == 0; }
  // The model over an evaluation loader; with ranks, each runs its block
  // of the clips and all receive every rank's outputs.
  ModelOutputs Evaluate(BatchLoader& loader);

  const RecipeOptions& r_;
  const Dataset& ds_;
  const LoadedClips& loaded_;
  const FrontEnd& fe_;
  Job job_;
  std::string dir_;
  TrainingObserver& observer_;
  Communicator* group_;
  int seed_ = 0;
  int classes_ = 0;
  std::unique_ptr<BatchLoader> train_, val_, test_;
  FeatureNorm norm_;
  std::vector<int64_t> example_shape_;
  std::shared_ptr<Classifier> model_;
  std::unique_ptr<torch::optim::Optimizer> optimizer_;
  std::unique_ptr<LrSchedule> schedule_;
  std::unique_ptr<EarlyStopping> stop_;
  std::unique_ptr<MetricMonitor> best_;
  EpochLog log_;
  std::vector<double> epoch_rates_;  // training clips per second, per epoch run here
  int64_t validation_clips_ = 0, test_clips_ = 0;  // over every rank
  torch::Device device_ = torch::kCPU;  // train.device
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
  torch::serialize::InputArchive archive, model_archive, optimizer_archive;
  try {
    archive.load_from(path, device_);
  } catch (const std::exception& e) {
    const std::string what = e.what();
    ThrowBadData(path + ": cannot resume: damaged checkpoint, not a whole archive (" +
                 what.substr(0, what.find('\n')) + ")");
  }
  try {
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
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    // A damaged archive can fail anywhere inside LibTorch's reader.
    const std::string what = e.what();
    ThrowBadData(path + ": cannot resume: damaged checkpoint (" + what.substr(0, what.find('\n')) + ")");
  }
  return true;
}

void ModelTrainer::Export(const std::unique_ptr<BatchLoader>& loader, const std::string& split,
                          ModelRunSummary& summary) {
  if (!loader) return;
  const ModelOutputs o = Evaluate(*loader);
  const std::string metrics = MetricsJson(r_, o, ds_.classes);
  (split == "test" ? summary.test_metrics_json : summary.validation_metrics_json) = metrics;
  if (!Writes()) return;
  WriteFileAtomic(dir_ + "/metrics_" + split + ".json", metrics + "\n");
  eval::WritePredictions(dir_ + "/predictions_" + split + ".csv",
                         ToPredictions(o, ds_, dir_ + "/predictions_" + split + ".csv"));
}

ModelOutputs ModelTrainer::Evaluate(BatchLoader& loader) {
  const ModelOutputs mine = RunModel(*model_, loader, r_.train.loss);
  return group_ ? GatherOutputs(*group_, mine) : mine;
}

// Rank `rank`'s contiguous block of `clips`, the first blocks one shorter
// when they do not divide.
std::vector<int64_t> BlockOf(const std::vector<int64_t>& clips, int rank, int ranks) {
  const size_t n = clips.size();
  return std::vector<int64_t>(clips.begin() + static_cast<std::ptrdiff_t>(n * rank / ranks),
                              clips.begin() + static_cast<std::ptrdiff_t>(n * (rank + 1) / ranks));
}

// The training, validation and test loaders, and the feature normalisation
// fitted on the training clips.
void ModelTrainer::BuildLoaders() {
  // The loader's workers take the cores LibTorch's threads leave free, and
  // at least one: OpenMP's spinning threads slow down badly when another
  // busy thread shares their core.
  const RecipeOptions own = ModelRecipe();
  LoaderOptions lo = own.loader;
  const int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  lo.threads = std::max(1, std::min(lo.threads, cores - r_.train.ComputeThreads()));

  const auto train_idx = ClipsOf(ds_, Split::kTrain);
  auto val_idx = ClipsOf(ds_, Split::kValidation);
  auto test_idx = ClipsOf(ds_, Split::kTest);
  train_ = std::make_unique<BatchLoader>(ds_, loaded_, train_idx, fe_, lo, BatchLoader::Mode::kTrain);
  // With ranks: each takes its share of every training batch and its block
  // of the evaluation clips.
  const bool has_val = !val_idx.empty(), has_test = !test_idx.empty();
  if (group_) {
    train_->Shard(group_->rank(), group_->size());
    val_idx = BlockOf(val_idx, group_->rank(), group_->size());
    test_idx = BlockOf(test_idx, group_->rank(), group_->size());
  }
  if (has_val) {
    val_ = std::make_unique<BatchLoader>(ds_, loaded_, val_idx, fe_, lo, BatchLoader::Mode::kEval);
  }
  if (has_test) {
    test_ = std::make_unique<BatchLoader>(ds_, loaded_, test_idx, fe_, lo, BatchLoader::Mode::kEval);
  }
  if (r_.train.normalize != "none") {
    BatchLoader fit(ds_, loaded_, train_idx, fe_, lo, BatchLoader::Mode::kEval);
    norm_ = FitFeatureNorm(fit, r_.train.normalize);
    train_->SetNorm(norm_);
    if (val_) val_->SetNorm(norm_);
    if (test_) test_->SetNorm(norm_);
  }
  example_shape_ = train_->ExampleShape();
  validation_clips_ = val_ ? val_->NumExamples() : 0;
  test_clips_ = test_ ? test_->NumExamples() : 0;
  if (group_) {
    const auto all = SumOverRanks(*group_, {static_cast<double>(validation_clips_), static_cast<double>(test_clips_)});
    validation_clips_ = static_cast<int64_t>(all[0]);
    test_clips_ = static_cast<int64_t>(all[1]);
  }
}

// The model, from the model's seed, its optimiser and what watches its epochs.
void ModelTrainer::BuildModelAndOptimizer() {
  seed_ = ModelRecipe().train.seed;
  torch::manual_seed(static_cast<uint64_t>(seed_));
  classes_ = static_cast<int>(ds_.classes.size());
  model_ = BuildModel(r_.model, example_shape_, classes_);
  device_ = TrainingDevice(r_);
  model_->to(device_);
  optimizer_ = MakeOptimizer(r_.train.optimizer, model_->parameters());
  schedule_ = std::make_unique<LrSchedule>(r_.train.schedule, r_.train.optimizer.LearningRate(),
                                           r_.train.epochs);
  stop_ = std::make_unique<EarlyStopping>(r_.train.early_stopping);
  best_ = std::make_unique<MetricMonitor>(r_.train.checkpoint.monitor, r_.train.checkpoint.mode);
}

// With `resume`, restores the model's checkpoint if it has one; `stopped`
// says whether early stopping had ended it. Returns the model's description.
ModelStart ModelTrainer::Resume(bool resume, bool& stopped) {
  ModelStart start;
  stopped = false;
  int last_epoch = -1;
  if (resume && LoadCheckpoint(last_epoch, stopped)) start.resumed_after = last_epoch;
  start.name = job_.name;
  start.dir = dir_;
  start.architecture = r_.model.name;
  start.parameters = CountParameters(*model_);
  start.input_shape = example_shape_;
  start.training_clips = train_->NumExamples();
  start.validation_clips = validation_clips_;
  start.test_clips = test_clips_;
  start.epochs = r_.train.epochs;
  return start;
}

// One pass over the training clips: the report holds the training loss,
// accuracy (single_label) and the last learning rate.
EpochReport ModelTrainer::TrainEpoch(int epoch) {
  // Dropout draws from this seed: a resumed run repeats the epoch exactly.
  // Each rank has its own stream; rank 0's is that of one process.
  const uint64_t rank = group_ ? static_cast<uint64_t>(group_->rank()) : 0;
  torch::manual_seed(static_cast<uint64_t>(seed_) * 1000003ULL + static_cast<uint64_t>(epoch) + rank * 7919ULL);
  model_->train();
  train_->Start(epoch);
  const int steps = static_cast<int>(train_->NumBatches());
  observer_.OnEpochStart(EpochStart{job_.name, epoch, r_.train.epochs, steps});
  double loss_sum = 0.0;
  int64_t seen = 0, correct = 0;
  const auto t0 = std::chrono::steady_clock::now();
  int step = 0;
  double lr = 0.0;
  while (auto batch = train_->Next()) {
    lr = schedule_->LearningRate(epoch, step, steps);
    SetLearningRate(*optimizer_, lr);
    std::vector<int64_t> shape{batch->size};
    shape.insert(shape.end(), batch->shape.begin(), batch->shape.end());
    const auto x = torch::from_blob(batch->features.data(), shape, torch::kFloat32).to(device_);
    const auto t = torch::from_blob(batch->targets.data(), {batch->size, classes_}, torch::kFloat32).to(device_);
    optimizer_->zero_grad();
    // A rank's share of a short last batch may be empty: it adds nothing
    // to the gradient but takes part in its allreduce.
    if (batch->size > 0) {
      const auto logits = model_->forward(x);
      const auto loss = ComputeLoss(r_.train.loss, logits, t);
      loss.backward();
      loss_sum += loss.item<double>() * static_cast<double>(batch->size);
      const auto predicted = logits.argmax(1);
      const auto wanted = t.argmax(1);
      correct += predicted.eq(wanted).sum().item<int64_t>();
    }
    if (group_) AllreduceGradients(*group_, *model_, batch->size);
    ClipGradients(r_.train.optimizer, *optimizer_);
    optimizer_->step();
    seen += batch->size;
    ++step;
    observer_.OnStep(StepReport{job_.name, epoch, step, loss_sum / static_cast<double>(seen)});
  }
  if (group_) {
    // The epoch's figures over every rank's share.
    const auto all = SumOverRanks(*group_, {loss_sum, static_cast<double>(correct), static_cast<double>(seen)});
    loss_sum = all[0];
    correct = static_cast<int64_t>(all[1]);
    seen = static_cast<int64_t>(all[2]);
  }
  EpochReport e;
  e.model = job_.name;
  e.epoch = epoch;
  e.epochs = r_.train.epochs;
  e.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  e.clips = seen;
  std::map<std::string, double>& m = e.metrics;
  m["loss"] = seen ? loss_sum / static_cast<double>(seen) : 0.0;
  if (r_.task == "single_label") m["accuracy"] = seen ? static_cast<double>(correct) / seen : 0.0;
  m["lr"] = lr;
  return e;
}

// The validation clips' metrics, when there are any.
// With ranks, their batch-norm statistics are averaged first: the epoch's
// evaluation and checkpoint are of one model.
void ModelTrainer::Validate(EpochReport& e) {
  if (group_) AverageBuffers(*group_, *model_);
  if (val_) AddValidationMetrics(r_, Evaluate(*val_), e.metrics);
}

// The epoch's metrics go to the schedule, the log, the best-epoch monitor
// and early stopping.
void ModelTrainer::Judge(EpochReport& e) {
  if (r_.train.schedule.name == "plateau") schedule_->Observe(e.metrics.at(r_.train.schedule.monitor));
  log_.Add(e.epoch, e.metrics);
  e.improved = best_->Update(e.metrics);
  e.stopped = stop_->Update(e.metrics);
  if (e.stopped) {
    e.stop_monitor = r_.train.early_stopping.monitor;
    e.stop_best_epoch = stop_->best_epoch();
  }
}

// log.csv and log.jsonl, best.bundle when the epoch is the best so far,
// last.bundle and the checkpoint a resumed run continues from.
void ModelTrainer::Checkpoint(const EpochReport& e) {
  if (!Writes()) return;
  log_.Write(dir_);
  // Bundles hold CPU weights, whatever the device.
  model_->to(torch::kCPU);
  if (e.improved) SaveBundle(dir_ + "/best.bundle", Info(e.epoch, e.metrics), *model_);
  SaveBundle(dir_ + "/last.bundle", Info(e.epoch, e.metrics), *model_);
  model_->to(device_);
  SaveCheckpoint(e.epoch, e.stopped);
}

// The curves and the model's summary; the exported weights (best or last)
// become the model that Export evaluates.
ModelRunSummary ModelTrainer::Summarise() {
  if (Writes()) log_.DrawCurves(dir_, r_.name + " " + job_.name);
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
    // The exported weights are the best epoch's: evaluate those (rank 0
    // wrote them and sends them to the others).
    if (Writes()) {
      model_ = LoadBundle(summary.best_bundle).model;
      model_->to(device_);
    }
    if (group_) BroadcastModuleState(*group_, *model_);
  }
  return summary;
}

ModelRunSummary ModelTrainer::Run(bool resume, double& train_seconds, int64_t& train_examples) {
  if (Writes()) {
    MakeDirs(dir_);
    SaveSplit(ds_, dir_ + "/split.csv");
  }
  BuildLoaders();
  BuildModelAndOptimizer();
  bool stopped = false;
  const ModelStart start = Resume(resume, stopped);
  // Every rank starts from rank 0's weights, fresh or resumed.
  if (group_) BroadcastModuleState(*group_, *model_);
  observer_.OnModelStart(start);
  for (int epoch = start.resumed_after + 1; epoch < r_.train.epochs && !stopped; ++epoch) {
    EpochReport e = TrainEpoch(epoch);
    train_seconds += e.seconds;
    train_examples += e.clips;
    epoch_rates_.push_back(e.seconds > 0 ? static_cast<double>(e.clips) / e.seconds : 0.0);
    Validate(e);
    Judge(e);
    Checkpoint(e);
    stopped = e.stopped;
    observer_.OnEpochEnd(e);
  }
  ModelRunSummary summary = Summarise();
  Export(val_, "validation", summary);
  Export(test_, "test", summary);
  observer_.OnModelEnd(summary);
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
  return name == "recipe.toml" || name == "data.json" || name == "clips.tsv" || name == "summary.json" ||
         name == "report.html";
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

void ClearUntrainedRun(const std::string& out_dir, TrainingObserver& observer) {
  if (!FileExists(out_dir + "/recipe.toml")) return;
  observer.OnMessage(out_dir + ": replacing a run that completed no epoch");
  std::error_code ec;
  std::vector<std::filesystem::path> entries;
  for (const auto& entry : std::filesystem::directory_iterator(out_dir, ec)) {
    if (IsRunEntry(entry.path())) entries.push_back(entry.path());
  }
  for (const auto& p : entries) std::filesystem::remove_all(p, ec);
}

// A resumed run continues the recorded one: only settings that change
// neither the model nor its data nor the learning-rate curve may differ.
void CheckResumable(const RecipeOptions& recipe, const std::string& out_dir) {
  const std::string path = out_dir + "/recipe.toml";
  if (!FileExists(path)) return;
  RecipeOptions recorded;
  LoadTomlFile(recorded, path);
  const std::map<std::string, std::string> was = FlatValues(recorded), now = FlatValues(recipe);
  // Threads and the device change the speed only; the bad-file policy can
  // only stop a run whose files went bad since, not change the clips it
  // trains on.
  static const std::set<std::string> kFree{
      "name",          "description",       "train.threads",          "loader.threads", "loader.prefetch",
      "store.threads", "store.on_bad_file", "store.max_bad_fraction", "train.device"};
  for (const auto& [key, value] : now) {
    const auto it = was.find(key);
    if (kFree.count(key) || (it != was.end() && it->second == value)) continue;
    const std::string old_value = it == was.end() ? "(not recorded)" : it->second;
    if (key == "train.epochs") {
      if (recorded.train.schedule.name != "cosine") continue;
      ThrowOption("--resume " + out_dir + ": train.epochs was " + old_value + ", now " + value +
                  ": the cosine schedule's horizon is the run's epoch count, and changing it would "
                  "move the learning rate of the epochs left; resume with train.epochs=" + old_value +
                  ", or start a new run");
    }
    ThrowOption("--resume " + out_dir + ": " + key + " was " + old_value + ", now " + value +
                ": a resumed run continues the recorded model on the recorded data; resume without "
                "changing it, or start a new run with another --out");
  }
}

// Before anything is read or written: the run folder may take this run.
void CheckRun(const RecipeOptions& recipe, const std::string& out_dir, bool resume) {
  recipe.Validate();
  TrainingDevice(recipe);
  if (resume) {
    CheckResumable(recipe, out_dir);
  } else {
    CheckFreshRunDir(out_dir);
  }
}

// The data set the recipe names, with its notes; it must have classes.
Dataset LoadDataset(const RecipeOptions& recipe, TrainingObserver& observer) {
  Dataset ds = ReadDataset(recipe.data);
  for (const auto& note : ds.notes) observer.OnMessage("data: " + note);
  if (ds.classes.empty()) ThrowMismatch(recipe.data.root + ": no classes: training needs labels");
  return ds;
}

// The clips' audio, in memory; clips that cannot be read leave their split.
LoadedClips LoadAudio(const RecipeOptions& recipe, Dataset& ds, TrainingObserver& observer) {
  observer.OnMessage("loading " + std::to_string(ds.clips.size()) + " clips from " + recipe.data.root);
  LoadedClips loaded = LoadClips(ds, recipe.features.sample_rate, recipe.store);
  if (!loaded.bad.bad.empty()) SendLines(loaded.bad.Summary(), observer);
  for (const auto& note : loaded.notes) observer.OnMessage("data: " + note);
  LeaveOutUnreadable(ds, loaded);
  return loaded;
}

// The audio a run trains on, one line per clip and noise file: its file
// (or .npz row) and a hash of its decoded samples, "bad" for a file that
// could not be read. `--resume` compares it with the data as it is now.
uint64_t HashRow(const ClipStore& store, int64_t row) {
  const int16_t* data = store.Data(row);
  const int64_t n = store.Length(row);
  const float scale = store.Scale(row);
  uint32_t scale_bits = 0;
  std::memcpy(&scale_bits, &scale, sizeof(scale_bits));
  uint64_t h = MixSeed(static_cast<uint64_t>(n), scale_bits);
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) {
    uint64_t word = 0;
    std::memcpy(&word, data + i, sizeof(word));
    h = MixSeed(h, word);
  }
  for (; i < n; ++i) h = MixSeed(h, static_cast<uint16_t>(data[i]));
  return h;
}

std::map<std::string, std::string> ClipsManifest(const Dataset& ds, const LoadedClips& loaded) {
  std::map<std::string, std::string> out;
  auto hex = [](uint64_t h) {
    char buf[17];
    std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(h));
    return std::string(buf);
  };
  for (size_t i = 0; i < ds.clips.size(); ++i) {
    const ClipRef& c = ds.clips[i];
    const int64_t row = loaded.row[i];
    if (row == LoadedClips::kSilence) continue;
    const std::string name = c.path.empty() ? ds.root + " row " + std::to_string(c.array_row) : c.path;
    out[name] = row == LoadedClips::kBad ? "bad" : hex(HashRow(loaded.clips, row));
  }
  std::set<std::string> bad;
  for (const auto& b : loaded.bad.bad) bad.insert(b.path);
  int64_t noise_row = 0;
  for (const auto& path : ds.noise_files) {
    out[path] = bad.count(path) ? "bad" : hex(HashRow(loaded.noise, noise_row++));
  }
  return out;
}

std::string ManifestText(const std::map<std::string, std::string>& manifest) {
  std::string text = "# file\taudio hash (earshot train; --resume checks the data against it)\n";
  for (const auto& [name, hash] : manifest) text += name + "\t" + hash + "\n";
  return text;
}

// `--resume` continues on the audio the run started with: a clip or noise
// file that changed, went missing or was added since is an error naming it.
// Runs written before clips.tsv existed are not checked.
void CheckDataUnchanged(const std::string& out_dir, const std::map<std::string, std::string>& now) {
  const std::string path = out_dir + "/clips.tsv";
  if (!FileExists(path)) return;
  std::map<std::string, std::string> was;
  std::istringstream lines(ReadFile(path));
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#') continue;
    const size_t tab = line.rfind('\t');
    if (tab == std::string::npos) ThrowBadData(path + ": damaged line '" + line + "' (no tab)");
    was[line.substr(0, tab)] = line.substr(tab + 1);
  }
  const std::string advice = "; a resumed run continues on the data it started with: restore it, or start a "
                             "new run with another --out";
  for (const auto& [name, hash] : was) {
    const auto it = now.find(name);
    if (it == now.end()) {
      ThrowMismatch("--resume " + out_dir + ": " + name + " was in the data when the run started and is not now" +
                    advice);
    }
    if (it->second != hash) {
      const std::string what = it->second == "bad"    ? "cannot be read now"
                               : hash == "bad"        ? "could not be read when the run started and can now"
                                                      : "holds other audio than when the run started";
      ThrowMismatch("--resume " + out_dir + ": " + name + " " + what + advice);
    }
  }
  for (const auto& [name, hash] : now) {
    if (!was.count(name)) {
      ThrowMismatch("--resume " + out_dir + ": " + name + " is in the data now but was not when the run started" +
                    advice);
    }
  }
}

// recipe.toml, data.json and clips.tsv, replacing what a run that completed
// no epoch left in the folder; a resumed run's data must be the recorded one.
void WriteRunRecord(const RecipeOptions& recipe, const std::string& out_dir, bool resume,
                    const Dataset& ds, const LoadedClips& loaded, TrainingObserver& observer) {
  const auto manifest = ClipsManifest(ds, loaded);
  if (resume) CheckDataUnchanged(out_dir, manifest);
  if (!resume) ClearUntrainedRun(out_dir, observer);
  MakeDirs(out_dir);
  // clips.tsv first: a run is resumable once recipe.toml is there.
  WriteFileAtomic(out_dir + "/clips.tsv", ManifestText(manifest));
  WriteFileAtomic(out_dir + "/recipe.toml", ToToml(recipe));
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

json SummaryToJson(const ModelRunSummary& m) {
  return json{{"dir", m.dir},
              {"best_bundle", m.best_bundle},
              {"epochs_run", m.epochs_run},
              {"best_epoch", m.best_epoch},
              {"best_metrics", m.best_metrics},
              {"validation_metrics_json", m.validation_metrics_json},
              {"test_metrics_json", m.test_metrics_json},
              {"epoch_clips_per_second", m.epoch_clips_per_second}};
}

ModelRunSummary SummaryFromJson(const json& j) {
  ModelRunSummary m;
  m.dir = j.at("dir").get<std::string>();
  m.best_bundle = j.at("best_bundle").get<std::string>();
  m.epochs_run = j.at("epochs_run").get<int>();
  m.best_epoch = j.at("best_epoch").get<int>();
  m.best_metrics = j.at("best_metrics").get<std::map<std::string, double>>();
  m.validation_metrics_json = j.at("validation_metrics_json").get<std::string>();
  m.test_metrics_json = j.at("test_metrics_json").get<std::string>();
  m.epoch_clips_per_second = j.at("epoch_clips_per_second").get<std::vector<double>>();
  return m;
}

// Ranks wait for each other's whole models at most this long; a rank that
// dies is noticed at once all the same, when its connections close.
constexpr double kWholeModelsTimeout = 7 * 24 * 3600.0;

// --parallel-jobs: rank r trains models r, r + W, ... alone, each into its
// own folder; then every rank receives every model's summary, in the
// models' order. `train_seconds` is the slowest rank's.
void TrainModelsSpread(const RecipeOptions& recipe, const std::string& out_dir, bool resume, Dataset& ds,
                       const LoadedClips& loaded, const FrontEnd& fe, const std::vector<Job>& jobs,
                       TrainingObserver& observer, Communicator& group, TrainSummary& summary,
                       double& train_seconds, int64_t& train_examples) {
  observer.OnMessage(std::to_string(jobs.size()) + " models spread over " + std::to_string(group.size()) +
                     " processes: rank r trains models r, r + " + std::to_string(group.size()) +
                     ", ... (this console shows rank 0's)");
  // Rank 0 has replaced what an untrained run left before any rank writes.
  group.Barrier("start of the models");
  json mine = json::array();
  double seconds = 0.0;
  int64_t examples = 0;
  for (size_t j = 0; j < jobs.size(); ++j) {
    if (static_cast<int>(j % static_cast<size_t>(group.size())) != group.rank()) continue;
    if (jobs[j].fold >= 0) UseFold(ds, jobs[j].fold);
    ModelTrainer trainer(recipe, ds, loaded, fe, jobs[j], out_dir + "/" + jobs[j].name, observer, nullptr);
    mine.push_back(json{{"job", j}, {"summary", SummaryToJson(trainer.Run(resume, seconds, examples))}});
  }
  const json me{{"models", mine}, {"seconds", seconds}, {"examples", examples}};
  std::vector<ModelRunSummary> models(jobs.size());
  for (const auto& text : GatherText(group, me.dump(), "gathering of the models' summaries", kWholeModelsTimeout)) {
    const json rank = json::parse(text);
    for (const auto& m : rank.at("models")) models.at(m.at("job").get<size_t>()) = SummaryFromJson(m.at("summary"));
    train_seconds = std::max(train_seconds, rank.at("seconds").get<double>());
    train_examples += rank.at("examples").get<int64_t>();
  }
  summary.models = std::move(models);
}

// Every model of the run, one after the other, each on its fold; with
// `group`, each trained by all ranks together, or with `parallel_jobs`
// spread over them.
void TrainModels(const RecipeOptions& recipe, const std::string& out_dir, bool resume, Dataset& ds,
                 const LoadedClips& loaded, const FrontEnd& fe, const std::vector<Job>& jobs,
                 TrainingObserver& observer, Communicator* group, bool parallel_jobs, TrainSummary& summary,
                 double& train_seconds, int64_t& train_examples) {
  if (group && parallel_jobs) {
    TrainModelsSpread(recipe, out_dir, resume, ds, loaded, fe, jobs, observer, *group, summary, train_seconds,
                      train_examples);
    return;
  }
  for (const Job& job : jobs) {
    if (job.fold >= 0) UseFold(ds, job.fold);
    ModelTrainer trainer(recipe, ds, loaded, fe, job, out_dir + "/" + job.name, observer, group);
    summary.models.push_back(trainer.Run(resume, train_seconds, train_examples));
  }
}

// With several models, their averaged test predictions (ensemble/) and,
// for k-fold runs, the out-of-fold predictions (oof/); their metrics go to
// `out` (summary.json).
void Ensembles(const RecipeOptions& recipe, const Dataset& ds, const std::string& out_dir,
               TrainSummary& summary, json& out) {
  std::vector<eval::Predictions> test_predictions;
  for (const auto& m : summary.models) {
    const std::string test_csv = m.dir + "/predictions_test.csv";
    if (FileExists(test_csv)) test_predictions.push_back(eval::ReadPredictions(test_csv, ds.classes));
  }
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
}

// The models' records in `out` (summary.json).
void SummariseModels(const RecipeOptions& recipe, const TrainSummary& summary, json& out) {
  out["recipe"] = recipe.name;
  out["dir"] = summary.dir;
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
}

}  // namespace

TrainSummary TrainRecipe(const RecipeOptions& recipe, const std::string& out_dir, bool resume) {
  return TrainRecipe(recipe, out_dir, resume, nullptr);
}

TrainSummary TrainRecipe(const RecipeOptions& recipe, const std::string& out_dir, bool resume,
                         TrainingObserver* observer) {
  return TrainRecipe(recipe, out_dir, resume, observer, nullptr);
}

TrainSummary TrainRecipe(const RecipeOptions& recipe, const std::string& out_dir, bool resume,
                         TrainingObserver* observer, Communicator* group, bool parallel_jobs) {
  // With ranks, rank 0 alone reports and writes; the others compute.
  const bool writes = !group || group->rank() == 0;
  ConsoleTrainingObserver console;
  TrainingObserver silent;
  TrainingObserver& watch = !writes ? silent : observer ? *observer : console;
  const auto start = std::chrono::steady_clock::now();
  // Everything that can be checked is checked before the run folder is
  // written to, so that a run that cannot start leaves nothing behind.
  if (writes) {
    CheckRun(recipe, out_dir, resume);
  } else {
    recipe.Validate();
    TrainingDevice(recipe);
  }
  WarnIfComputeThreadsFillTheCores(recipe.train.ComputeThreads(), watch);

  Dataset ds = LoadDataset(recipe, watch);
  FrontEnd fe(recipe.features);
  const std::vector<Job> jobs = MakeJobs(recipe);
  CheckJobs(recipe, ds, fe, jobs);
  const LoadedClips loaded = LoadAudio(recipe, ds, watch);
  if (writes) WriteRunRecord(recipe, out_dir, resume, ds, loaded, watch);

  RunStart run{out_dir, recipe.name, resume, static_cast<int64_t>(ds.clips.size()), {}};
  for (const Job& job : jobs) run.models.push_back(job.name);
  watch.OnRunStart(run);

  TrainSummary summary;
  summary.dir = out_dir;
  double train_seconds = 0.0;
  int64_t train_examples = 0;
  TrainModels(recipe, out_dir, resume, ds, loaded, fe, jobs, watch, group, parallel_jobs, summary,
              train_seconds, train_examples);

  json out;
  SummariseModels(recipe, summary, out);
  if (writes) Ensembles(recipe, ds, out_dir, summary, out);
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  summary.train_clips_per_second = train_seconds > 0 ? static_cast<double>(train_examples) / train_seconds : 0.0;
  out["seconds"] = summary.seconds;
  out["train_clips_per_second"] = summary.train_clips_per_second;
  if (group) out["processes"] = group->size();
  if (writes) WriteFileAtomic(out_dir + "/summary.json", out.dump(2) + "\n");
  watch.OnRunEnd(summary);
  return summary;
}

}  // namespace earshot
