#include "earshot/stream/smoothing.h"

#include <cmath>

#include "earshot/util/error.h"

namespace earshot {

void SmoothingOptions::Visit(OptionVisitor& v) {
  v.Field("average_window_ms", average_window_ms, "posteriors are averaged over this trailing window (ms)");
  v.Field("detection_threshold", detection_threshold, "averaged score an event needs (labels without their own threshold)");
  v.Field("suppression_ms", suppression_ms, "no event this soon after the previous one (ms)");
  v.Field("minimum_count", minimum_count, "posteriors the averaging window must hold for an event");
  v.Field("label_change", label_change, "the same label twice in a row only after its score fell below its threshold");
}

void SmoothingOptions::Validate() const {
  if (!(average_window_ms >= 0) || !std::isfinite(average_window_ms)) {
    ThrowOption("--average_window_ms should be >= 0. Given: " + std::to_string(average_window_ms));
  }
  if (!(detection_threshold >= 0 && detection_threshold <= 1)) {
    ThrowOption("--detection_threshold should be in [0, 1]. Given: " + std::to_string(detection_threshold));
  }
  if (!(suppression_ms >= 0) || !std::isfinite(suppression_ms)) {
    ThrowOption("--suppression_ms should be >= 0. Given: " + std::to_string(suppression_ms));
  }
  if (minimum_count < 1) ThrowOption("--minimum_count should be >= 1. Given: " + std::to_string(minimum_count));
}

PosteriorSmoother::PosteriorSmoother(std::vector<std::string> labels, const SmoothingOptions& options,
                                     const std::map<std::string, double>& thresholds,
                                     const std::string& silence, const std::string& unknown)
    : labels_(std::move(labels)), options_(options) {
  options_.Validate();
  if (labels_.empty()) ThrowOption("posterior smoothing: no labels");
  thresholds_.assign(labels_.size(), options_.detection_threshold);
  for (const auto& [label, value] : thresholds) {
    size_t i = 0;
    while (i < labels_.size() && labels_[i] != label) ++i;
    if (i == labels_.size()) {
      std::string known;
      for (const auto& l : labels_) known += (known.empty() ? "" : ", ") + l;
      ThrowOption("threshold for '" + label + "': the model has no such label (its labels: " + known + ")");
    }
    if (!(value >= 0 && value <= 1)) {
      ThrowOption("threshold for '" + label + "' should be in [0, 1]. Given: " + std::to_string(value));
    }
    thresholds_[i] = value;
  }
  for (const auto& l : labels_) reported_.push_back(l != silence && l != unknown);
}

std::optional<Detection> PosteriorSmoother::Add(double time_ms, const std::vector<float>& posteriors) {
  if (posteriors.size() != labels_.size()) {
    ThrowMismatch("posterior smoothing: " + std::to_string(posteriors.size()) + " posteriors for " +
                  std::to_string(labels_.size()) + " labels");
  }
  if (!window_.empty() && time_ms < window_.back().first) {
    ThrowBadData("posterior smoothing: time " + std::to_string(time_ms) + " ms comes before the previous " +
                 std::to_string(window_.back().first) + " ms");
  }
  window_.emplace_back(time_ms, posteriors);
  while (window_.front().first < time_ms - options_.average_window_ms) window_.pop_front();
  // The mean over the window, summed afresh each time so that no rounding
  // accumulates over hours of stream.
  std::vector<double> mean(labels_.size(), 0.0);
  for (const auto& [t, p] : window_) {
    for (size_t i = 0; i < mean.size(); ++i) mean[i] += p[i];
  }
  for (double& m : mean) m /= static_cast<double>(window_.size());
  if (last_label_ >= 0 && mean[static_cast<size_t>(last_label_)] < thresholds_[static_cast<size_t>(last_label_)]) {
    armed_ = true;
  }
  // The top label; ties go to the lower index.
  size_t top = 0;
  for (size_t i = 1; i < mean.size(); ++i) {
    if (mean[i] > mean[top]) top = i;
  }
  if (static_cast<int>(window_.size()) < options_.minimum_count) return std::nullopt;
  if (!reported_[top] || mean[top] < thresholds_[top]) return std::nullopt;
  if (last_label_ >= 0 && time_ms - last_time_ms_ < options_.suppression_ms) return std::nullopt;
  if (options_.label_change && static_cast<int>(top) == last_label_ && !armed_) return std::nullopt;
  last_label_ = static_cast<int>(top);
  last_time_ms_ = time_ms;
  armed_ = false;
  return Detection{time_ms, static_cast<int>(top), static_cast<float>(mean[top])};
}

}  // namespace earshot
