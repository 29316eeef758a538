#include "earshot/earshot.h"

#include <algorithm>

#include "earshot/eval/metrics.h"
#include "earshot/inference/predictor.h"
#include "earshot/stream/detector.h"

namespace earshot {

const char* Version() { return EARSHOT_VERSION; }

std::vector<LabelProbability> Classification::Top(int k) const {
  if (k < 1) ThrowOption("top-k should be >= 1. Given: " + std::to_string(k));
  const std::vector<float> p = Probabilities();
  std::vector<LabelProbability> out;
  for (int c : eval::RankedClasses(p.data(), static_cast<int>(p.size()), k)) {
    out.push_back(classes[static_cast<size_t>(c)]);
  }
  return out;
}

const LabelProbability& Classification::Best() const {
  if (classes.empty()) ThrowMismatch(source + ": a classification without classes has no best label");
  const std::vector<float> p = Probabilities();
  return classes[static_cast<size_t>(eval::RankedClasses(p.data(), static_cast<int>(p.size()), 1)[0])];
}

std::vector<float> Classification::Probabilities() const {
  std::vector<float> p;
  p.reserve(classes.size());
  for (const LabelProbability& c : classes) p.push_back(c.probability);
  return p;
}

SoundClassifier::SoundClassifier(const std::string& bundle_path)
    : predictor_(std::make_unique<Predictor>(bundle_path)) {}
SoundClassifier::SoundClassifier(const std::string& bundle_path, const PredictorOptions& options)
    : predictor_(std::make_unique<Predictor>(bundle_path, options)) {}
SoundClassifier::~SoundClassifier() = default;
SoundClassifier::SoundClassifier(SoundClassifier&&) noexcept = default;
SoundClassifier& SoundClassifier::operator=(SoundClassifier&&) noexcept = default;

const std::vector<std::string>& SoundClassifier::labels() const { return predictor_->labels(); }
int SoundClassifier::sample_rate() const { return predictor_->sample_rate(); }
double SoundClassifier::window_seconds() const {
  return static_cast<double>(predictor_->window_samples()) / predictor_->sample_rate();
}
const std::string& SoundClassifier::path() const { return predictor_->path(); }
const Predictor& SoundClassifier::predictor() const { return *predictor_; }

Classification SoundClassifier::Answer(const float* probabilities, std::string source) const {
  Classification c;
  c.source = std::move(source);
  const std::vector<std::string>& names = labels();
  c.classes.resize(names.size());
  for (size_t i = 0; i < names.size(); ++i) {
    c.classes[i] = LabelProbability{names[i], static_cast<int>(i), probabilities[i]};
  }
  return c;
}

Classification SoundClassifier::ClassifySamples(const float* samples, size_t n) const {
  return Answer(predictor_->PredictSamples(samples, static_cast<int64_t>(n)).data(), "");
}

Classification SoundClassifier::ClassifySamples(const float* samples, size_t n, int rate) const {
  if (rate != sample_rate()) {
    ThrowOption(path() + ": the model takes samples at " + std::to_string(sample_rate()) +
                " Hz. Given: " + std::to_string(rate) + " Hz (resample them, or classify the file)");
  }
  return ClassifySamples(samples, n);
}

Classification SoundClassifier::ClassifyFile(const std::string& path) const {
  return Answer(predictor_->PredictFile(path).data(), path);
}

std::vector<Classification> SoundClassifier::ClassifyClips(
    const std::vector<std::vector<float>>& clips) const {
  const std::vector<float> p = predictor_->PredictClips(clips);
  std::vector<Classification> out;
  for (size_t i = 0; i < clips.size(); ++i) out.push_back(Answer(p.data() + i * labels().size(), ""));
  return out;
}

std::vector<Classification> SoundClassifier::ClassifyFiles(const std::vector<std::string>& paths) const {
  const eval::Predictions p = predictor_->PredictFiles(paths);
  std::vector<Classification> out;
  for (size_t i = 0; i < paths.size(); ++i) {
    out.push_back(Answer(p.scores.data() + i * static_cast<size_t>(p.columns), paths[i]));
  }
  return out;
}

namespace {

StreamOptions OptionsOf(const std::vector<std::string>& settings, std::map<std::string, double>* thresholds) {
  StreamOptions options;
  for (const std::string& kv : settings) {
    const size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      ThrowOption("a listener setting should be KEY=VALUE (stride_ms=40, threshold.yes=0.8). Given: '" + kv + "'");
    }
    ApplyStreamSetting(kv.substr(0, eq), kv.substr(eq + 1), &options, thresholds);
  }
  return options;
}

}  // namespace

KeywordListener::KeywordListener(const std::string& bundle_path, const std::vector<std::string>& settings) {
  std::map<std::string, double> thresholds;
  const StreamOptions options = OptionsOf(settings, &thresholds);
  detector_ = std::make_unique<StreamingDetector>(bundle_path, options, thresholds);
}
KeywordListener::KeywordListener(const std::string& bundle_path, const StreamOptions& options,
                                 const std::map<std::string, double>& thresholds)
    : detector_(std::make_unique<StreamingDetector>(bundle_path, options, thresholds)) {}
KeywordListener::~KeywordListener() = default;
KeywordListener::KeywordListener(KeywordListener&&) noexcept = default;
KeywordListener& KeywordListener::operator=(KeywordListener&&) noexcept = default;

const std::vector<std::string>& KeywordListener::labels() const { return detector_->labels(); }
int KeywordListener::sample_rate() const { return detector_->sample_rate(); }
double KeywordListener::window_seconds() const {
  return static_cast<double>(detector_->window_samples()) / detector_->sample_rate();
}
double KeywordListener::stride_seconds() const {
  return static_cast<double>(detector_->stride_samples()) / detector_->sample_rate();
}
double KeywordListener::Threshold(const std::string& label) const { return detector_->Threshold(label); }
int64_t KeywordListener::samples() const { return detector_->samples(); }
const StreamingDetector& KeywordListener::detector() const { return *detector_; }

std::vector<KeywordEvent> KeywordListener::Push(const float* samples, size_t n) {
  if (!samples && n > 0) ThrowOption("KeywordListener::Push: samples is null with a count of " + std::to_string(n));
  const std::vector<std::string>& names = labels();
  std::vector<KeywordEvent> out;
  for (StreamEvent& e : detector_->Push(samples, static_cast<int64_t>(n))) {
    const int index = static_cast<int>(std::find(names.begin(), names.end(), e.label) - names.begin());
    out.push_back(KeywordEvent{e.start_ms, e.end_ms, std::move(e.label), index, e.score});
  }
  return out;
}

}  // namespace earshot
