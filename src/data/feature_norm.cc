#include "earshot/data/feature_norm.h"

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include "earshot/util/error.h"

namespace earshot {
namespace {

// A position whose values never vary is centred and left unscaled, where
// numpy would divide by zero.
constexpr double kMinStd = 1e-8;

float SafeStd(double variance) {
  const double s = std::sqrt(std::max(0.0, variance));
  return static_cast<float>(s < kMinStd ? 1.0 : s);
}

}  // namespace

void FeatureNorm::Apply(float* x, int64_t size) const {
  if (mode == "none") return;
  if (mode == "global") {
    const float m = mean.at(0), inv = 1.0f / std.at(0);
    for (int64_t i = 0; i < size; ++i) x[i] = (x[i] - m) * inv;
    return;
  }
  if (mode != "per_position") {
    ThrowOption("feature normalisation should be none | global | per_position. Given: '" + mode +
                "'");
  }
  if (static_cast<int64_t>(mean.size()) != size) {
    ThrowMismatch("per-position feature normalisation was fitted on " +
                  std::to_string(mean.size()) + " values per example, features have " +
                  std::to_string(size));
  }
  for (int64_t i = 0; i < size; ++i) x[i] = (x[i] - mean[i]) / std[i];
}

std::string FeatureNorm::ToJson() const {
  nlohmann::json j;
  j["mode"] = mode;
  j["mean"] = mean;
  j["std"] = std;
  return j.dump();
}

FeatureNorm FeatureNorm::FromJson(const std::string& text, const std::string& origin) {
  FeatureNorm norm;
  try {
    const nlohmann::json j = nlohmann::json::parse(text);
    norm.mode = j.at("mode").get<std::string>();
    norm.mean = j.at("mean").get<std::vector<float>>();
    norm.std = j.at("std").get<std::vector<float>>();
  } catch (const nlohmann::json::exception& e) {
    ThrowBadData(origin + ": not a feature normalisation (" + e.what() + ")");
  }
  const size_t want = norm.mode == "none" ? 0 : norm.mode == "global" ? 1 : norm.mean.size();
  if (norm.mode != "none" && norm.mode != "global" && norm.mode != "per_position") {
    ThrowBadData(origin + ": mode should be none | global | per_position. Given: '" + norm.mode +
                 "'");
  }
  if (norm.mean.size() != want || norm.std.size() != want) {
    ThrowBadData(origin + ": mode " + norm.mode + " with " + std::to_string(norm.mean.size()) +
                 " means and " + std::to_string(norm.std.size()) + " stds");
  }
  for (float s : norm.std) {
    if (!(s > 0) || !std::isfinite(s)) {
      ThrowBadData(origin + ": std " + std::to_string(s) + " should be finite and > 0");
    }
  }
  return norm;
}

FeatureStats::FeatureStats(int64_t example_size)
    : size_(example_size), shift_(static_cast<size_t>(example_size)),
      sum_(static_cast<size_t>(example_size)), sum_sq_(static_cast<size_t>(example_size)) {}

void FeatureStats::Add(const float* x) {
  if (count_ == 0) shift_.assign(x, x + size_);
  for (int64_t i = 0; i < size_; ++i) {
    const double d = x[i] - shift_[i];
    sum_[i] += d;
    sum_sq_[i] += d * d;
  }
  ++count_;
}

FeatureNorm FeatureStats::Finish(const std::string& mode) const {
  if (mode != "global" && mode != "per_position") {
    ThrowOption("feature normalisation should be global | per_position. Given: '" + mode + "'");
  }
  if (count_ == 0) ThrowBadData("feature normalisation: no examples to fit it on");
  const double n = static_cast<double>(count_);
  std::vector<double> mean(sum_.size()), var(sum_.size());
  for (size_t i = 0; i < sum_.size(); ++i) {
    const double d = sum_[i] / n;
    mean[i] = shift_[i] + d;
    var[i] = sum_sq_[i] / n - d * d;
  }
  FeatureNorm norm;
  norm.mode = mode;
  if (mode == "per_position") {
    for (size_t i = 0; i < mean.size(); ++i) {
      norm.mean.push_back(static_cast<float>(mean[i]));
      norm.std.push_back(SafeStd(var[i]));
    }
    return norm;
  }
  // Over all values: the mean of the positions' means, and their variances
  // plus the spread of their means (law of total variance).
  double m = 0;
  for (double v : mean) m += v;
  m /= static_cast<double>(mean.size());
  double v = 0;
  for (size_t i = 0; i < mean.size(); ++i) v += var[i] + (mean[i] - m) * (mean[i] - m);
  v /= static_cast<double>(mean.size());
  norm.mean = {static_cast<float>(m)};
  norm.std = {SafeStd(v)};
  return norm;
}

}  // namespace earshot
