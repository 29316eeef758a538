#include "earshot/training/metric_monitor.h"

#include <cmath>
#include <limits>

#include <nlohmann/json.hpp>

#include "earshot/util/error.h"
#include "earshot/util/option_checks.h"

namespace earshot {
namespace {

bool Contains(const std::string& s, const char* part) { return s.find(part) != std::string::npos; }

std::string Join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "(none)" : out;
}

}  // namespace

std::string ResolveMode(const std::string& monitor, const std::string& mode, const std::string& option) {
  option_checks::OneOf(option, mode, {"min", "max", "auto"});
  if (mode != "auto") return mode;
  const std::string base = monitor.rfind("val_", 0) == 0 ? monitor.substr(4) : monitor;
  for (const char* lower_is_better : {"loss", "kl", "error", "mse", "mae"}) {
    if (Contains(base, lower_is_better)) return "min";
  }
  for (const char* higher_is_better : {"acc", "f1", "map", "auc", "precision", "recall"}) {
    if (Contains(base, higher_is_better)) return "max";
  }
  ThrowOption("--" + option + "=auto cannot tell whether '" + monitor +
              "' should go up or down; set it to min or max");
}

void CheckMonitor(const std::string& monitor, const std::vector<std::string>& available,
                  const std::string& option) {
  for (const auto& name : available) {
    if (name == monitor) return;
  }
  ThrowOption("--" + option + "=" + monitor + " is not a metric of this run; available: " + Join(available));
}

MetricMonitor::MetricMonitor(std::string monitor, const std::string& mode, double min_delta)
    : monitor_(std::move(monitor)), mode_(ResolveMode(monitor_, mode)), min_delta_(std::abs(min_delta)) {
  best_ = mode_ == "min" ? std::numeric_limits<double>::infinity() : -std::numeric_limits<double>::infinity();
}

bool MetricMonitor::Improves(double value) const {
  return mode_ == "min" ? value < best_ - min_delta_ : value > best_ + min_delta_;
}

bool MetricMonitor::Update(double value) {
  const int epoch = epochs_seen_++;
  if (!Improves(value)) return false;
  best_ = value;
  best_epoch_ = epoch;
  return true;
}

bool MetricMonitor::Update(const std::map<std::string, double>& epoch_metrics) {
  const auto it = epoch_metrics.find(monitor_);
  if (it == epoch_metrics.end()) {
    std::vector<std::string> names;
    for (const auto& [name, value] : epoch_metrics) names.push_back(name);
    ThrowMismatch("monitored metric '" + monitor_ + "' is missing from this epoch's metrics: " + Join(names));
  }
  return Update(it->second);
}

std::string MetricMonitor::StateJson() const {
  nlohmann::json j;
  j["monitor"] = monitor_;
  j["mode"] = mode_;
  // JSON has no infinity: no best yet is written as null.
  j["best"] = best_epoch_ >= 0 ? nlohmann::json(best_) : nlohmann::json(nullptr);
  j["best_epoch"] = best_epoch_;
  j["epochs_seen"] = epochs_seen_;
  return j.dump();
}

void MetricMonitor::LoadStateJson(const std::string& text) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
    if (j.at("monitor").get<std::string>() != monitor_ || j.at("mode").get<std::string>() != mode_) {
      ThrowMismatch("saved state watches '" + j.at("monitor").get<std::string>() + "' (" +
                    j.at("mode").get<std::string>() + "), this run watches '" + monitor_ + "' (" + mode_ + ")");
    }
    best_epoch_ = j.at("best_epoch").get<int>();
    epochs_seen_ = j.at("epochs_seen").get<int>();
    if (best_epoch_ >= 0) best_ = j.at("best").get<double>();
  } catch (const nlohmann::json::exception& e) {
    ThrowBadData("metric monitor state: " + std::string(e.what()));
  }
}

}  // namespace earshot
