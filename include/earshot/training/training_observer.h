// Hooks into a training run (TrainRecipe, training/trainer.h): the run calls
// an observer at each step of its models, in this order:
//
//   OnMessage*            notes on the run and its data, any time before the first model
//   OnRunStart            once, the data loaded and the run folder written
//   per model:
//     OnModelStart        the model built, its checkpoint (if any) restored
//     per epoch left to train:
//       OnEpochStart, OnStep per batch, OnEpochEnd (after the epoch's files are written)
//     OnModelEnd          the exported weights evaluated
//   OnRunEnd              once, summary.json written
//
// Every method does nothing by default. ConsoleTrainingObserver is the one
// `earshot train` uses: the progress bar and the lines on stderr.
//
//   struct Curve : TrainingObserver {
//     void OnEpochEnd(const EpochReport& e) override { losses.push_back(e.metrics.at("loss")); }
//     std::vector<double> losses;
//   } curve;
//   TrainRecipe(recipe, "runs/kws", /*resume=*/false, &curve);
//
// No LibTorch here: observers can live in code that does not link it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace earshot {

class ProgressBar;
struct ModelRunSummary;  // training/trainer.h
struct TrainSummary;     // training/trainer.h

struct RunStart {
  std::string dir;                  // the run folder
  std::string recipe;               // the recipe's name
  bool resume = false;
  int64_t clips = 0;                // the data set's clips (data.json "clips")
  std::vector<std::string> models;  // the names of the models to train, in order
};

struct ModelStart {
  std::string name;                 // model | fold-K | seed-S | fold-K-seed-S
  std::string dir;
  std::string architecture;         // model.name of the recipe
  int64_t parameters = 0;
  std::vector<int64_t> input_shape; // one example's features
  int64_t training_clips = 0, validation_clips = 0, test_clips = 0;
  int epochs = 0;                   // train.epochs
  int resumed_after = -1;           // 0-based epoch the checkpoint ended; -1 if none restored
};

struct EpochStart {
  std::string model;
  int epoch = 0;                    // 0-based
  int epochs = 0;                   // train.epochs
  int64_t steps = 0;                // batches in the epoch
};

struct StepReport {
  std::string model;
  int epoch = 0;
  int64_t step = 0;                 // 1-based, of EpochStart::steps
  double mean_loss = 0.0;           // training loss over the epoch's clips so far
};

struct EpochReport {
  std::string model;
  int epoch = 0;                    // 0-based
  int epochs = 0;                   // train.epochs
  std::map<std::string, double> metrics;  // the epoch's row of log.csv
  double seconds = 0.0;             // training steps only, validation excluded
  int64_t clips = 0;                // training clips seen
  bool improved = false;            // best.bundle now holds this epoch
  bool stopped = false;             // early stopping ends the model's training here
  int stop_best_epoch = -1;         // when stopped: the epoch the monitor last improved
  std::string stop_monitor;         // when stopped: train.early_stopping.monitor
};

class TrainingObserver {
 public:
  virtual ~TrainingObserver() = default;
  // One human-readable line without its newline: warnings ("warning: ..."),
  // notes on the data ("data: ..."), what the run is doing.
  virtual void OnMessage(const std::string& /*line*/) {}
  virtual void OnRunStart(const RunStart& /*run*/) {}
  virtual void OnModelStart(const ModelStart& /*model*/) {}
  virtual void OnEpochStart(const EpochStart& /*epoch*/) {}
  virtual void OnStep(const StepReport& /*step*/) {}
  virtual void OnEpochEnd(const EpochReport& /*epoch*/) {}
  virtual void OnModelEnd(const ModelRunSummary& /*model*/) {}
  virtual void OnRunEnd(const TrainSummary& /*summary*/) {}
};

// What `earshot train` shows on stderr: the messages, each model's
// description, a progress bar per epoch ending with the epoch's metrics, and
// early stops.
class ConsoleTrainingObserver : public TrainingObserver {
 public:
  ConsoleTrainingObserver();
  ~ConsoleTrainingObserver() override;
  void OnMessage(const std::string& line) override;
  void OnModelStart(const ModelStart& model) override;
  void OnEpochStart(const EpochStart& epoch) override;
  void OnStep(const StepReport& step) override;
  void OnEpochEnd(const EpochReport& epoch) override;

 private:
  std::unique_ptr<ProgressBar> bar_;
};

}  // namespace earshot
