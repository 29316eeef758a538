#include "earshot/training/training_observer.h"

#include <iostream>
#include <sstream>

#include "earshot/util/progress.h"

namespace earshot {
namespace {

std::string FormatMetrics(const std::map<std::string, double>& m) {
  std::ostringstream os;
  os.precision(4);
  for (const char* k : {"loss", "accuracy", "val_loss", "val_accuracy", "val_kl", "val_map3"}) {
    auto it = m.find(k);
    if (it != m.end()) os << k << " " << it->second << "  ";
  }
  return os.str();
}

}  // namespace

ConsoleTrainingObserver::ConsoleTrainingObserver() = default;
ConsoleTrainingObserver::~ConsoleTrainingObserver() = default;

void ConsoleTrainingObserver::OnMessage(const std::string& line) { std::cerr << line << "\n"; }

void ConsoleTrainingObserver::OnModelStart(const ModelStart& m) {
  if (m.resumed_after >= 0) std::cerr << m.name << ": resuming after epoch " << m.resumed_after + 1 << "\n";
  std::cerr << m.name << ": " << m.architecture << ", " << m.parameters << " parameters, input [";
  for (size_t i = 0; i < m.input_shape.size(); ++i) std::cerr << (i ? ", " : "") << m.input_shape[i];
  std::cerr << "], " << m.training_clips << " training clips, " << m.validation_clips << " validation, "
            << m.test_clips << " test\n";
}

void ConsoleTrainingObserver::OnEpochStart(const EpochStart& e) {
  bar_ = std::make_unique<ProgressBar>(
      "epoch " + std::to_string(e.epoch + 1) + "/" + std::to_string(e.epochs), e.steps);
}

void ConsoleTrainingObserver::OnStep(const StepReport& s) {
  if (bar_) bar_->Update(s.step, "loss " + std::to_string(s.mean_loss).substr(0, 6));
}

void ConsoleTrainingObserver::OnEpochEnd(const EpochReport& e) {
  if (bar_) bar_->Finish(FormatMetrics(e.metrics));
  bar_.reset();
  if (e.stopped) {
    std::cerr << e.model << ": early stop after epoch " << e.epoch + 1 << " (" << e.stop_monitor
              << " last improved in epoch " << e.stop_best_epoch + 1 << ")\n";
  }
}

}  // namespace earshot
