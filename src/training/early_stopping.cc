#include "earshot/training/early_stopping.h"

#include <nlohmann/json.hpp>

#include "earshot/util/error.h"

namespace earshot {
namespace {

const EarlyStoppingOptions& Validated(const EarlyStoppingOptions& options) {
  ValidateOptions(options, "train.early_stopping");
  return options;
}

}  // namespace

EarlyStopping::EarlyStopping(const EarlyStoppingOptions& options)
    : options_(Validated(options)), monitor_(options.monitor, options.mode, options.min_delta) {}

bool EarlyStopping::Update(const std::map<std::string, double>& epoch_metrics) {
  if (!options_.enabled) return false;
  if (monitor_.Update(epoch_metrics)) {
    wait_ = 0;
    return false;
  }
  return ++wait_ >= options_.patience;
}

std::string EarlyStopping::StateJson() const {
  nlohmann::json j;
  j["monitor"] = nlohmann::json::parse(monitor_.StateJson());
  j["wait"] = wait_;
  return j.dump();
}

void EarlyStopping::LoadStateJson(const std::string& text) {
  try {
    const nlohmann::json j = nlohmann::json::parse(text);
    monitor_.LoadStateJson(j.at("monitor").dump());
    wait_ = j.at("wait").get<int>();
  } catch (const nlohmann::json::exception& e) {
    ThrowBadData("early stopping state: " + std::string(e.what()));
  }
}

}  // namespace earshot
