#include "earshot/training/schedule.h"

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include "earshot/util/error.h"
#include "earshot/util/option_checks.h"

namespace earshot {
namespace {

const ScheduleOptions& Validated(const ScheduleOptions& options) {
  ValidateOptions(options, "train.schedule");
  return options;
}

}  // namespace

LrSchedule::LrSchedule(const ScheduleOptions& options, double base_lr, int total_epochs)
    : options_(Validated(options)),
      base_lr_(base_lr),
      total_epochs_(total_epochs),
      monitor_(options.monitor, options.mode, options.min_delta),
      plateau_lr_(base_lr) {
  using option_checks::Str;
  if (!(base_lr > 0)) {
    ThrowOption("--train.optimizer.lr should be > 0 for a learning-rate schedule. Given: " + Str(base_lr));
  }
  if (options.name == "cosine" && total_epochs <= options.warmup_epochs) {
    ThrowOption("--train.epochs (" + Str(total_epochs) + ") should be more than " +
                "--train.schedule.warmup_epochs (" + Str(options.warmup_epochs) +
                ") with --train.schedule.name=cosine");
  }
}

double LrSchedule::LearningRate(int epoch, int step_in_epoch, int steps_per_epoch) const {
  if (epoch < 0 || steps_per_epoch < 1 || step_in_epoch < 0 || step_in_epoch >= steps_per_epoch) {
    throw Error(ErrorKind::kInternal, "LrSchedule::LearningRate: bad position epoch " + option_checks::Str(epoch) +
                                          ", step " + option_checks::Str(step_in_epoch) + " of " +
                                          option_checks::Str(steps_per_epoch));
  }
  const int warmup = options_.warmup_epochs;
  if (epoch < warmup) {
    const double done = static_cast<double>(epoch) * steps_per_epoch + step_in_epoch + 1;
    return base_lr_ * done / (static_cast<double>(warmup) * steps_per_epoch);
  }
  const int e = epoch - warmup;
  if (options_.name == "step") return base_lr_ * std::pow(options_.gamma, e / options_.step_size);
  if (options_.name == "cosine") {
    const double x = (e + static_cast<double>(step_in_epoch) / steps_per_epoch) / (total_epochs_ - warmup);
    const double lo = options_.min_lr;
    return lo + (base_lr_ - lo) * 0.5 * (1.0 + std::cos(M_PI * std::min(x, 1.0)));
  }
  if (options_.name == "plateau") return plateau_lr_;
  return base_lr_;
}

void LrSchedule::Observe(double metric) {
  if (options_.name != "plateau" || ++observed_ <= options_.warmup_epochs) return;
  if (monitor_.Update(metric)) {
    wait_ = 0;
    return;
  }
  // As Keras: once at min_lr, waiting goes on without effect.
  if (++wait_ >= options_.patience && plateau_lr_ > options_.min_lr) {
    plateau_lr_ = std::max(plateau_lr_ * options_.factor, options_.min_lr);
    wait_ = 0;
  }
}

std::string LrSchedule::StateJson() const {
  nlohmann::json j = nlohmann::json::object();
  if (options_.name == "plateau") {
    j["monitor"] = nlohmann::json::parse(monitor_.StateJson());
    j["observed"] = observed_;
    j["wait"] = wait_;
    j["lr"] = plateau_lr_;
  }
  return j.dump();
}

void LrSchedule::LoadStateJson(const std::string& text) {
  try {
    const nlohmann::json j = nlohmann::json::parse(text);
    if (options_.name != "plateau") return;
    monitor_.LoadStateJson(j.at("monitor").dump());
    observed_ = j.at("observed").get<int>();
    wait_ = j.at("wait").get<int>();
    plateau_lr_ = j.at("lr").get<double>();
  } catch (const nlohmann::json::exception& e) {
    ThrowBadData("learning-rate schedule state: " + std::string(e.what()));
  }
}

}  // namespace earshot
