#include "earshot/stream/detector.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "earshot/data/feature_norm.h"
#include "earshot/inference/bundle.h"
#include "earshot/inference/forward_pass.h"
#include "earshot/stream/stream_frontend.h"
#include "earshot/util/error.h"

namespace earshot {

void StreamOptions::Visit(OptionVisitor& v) {
  v.Field("stride_ms", stride_ms, "the model runs on the last window this often (ms; a multiple of the front end's hop)");
  v.Field("batch_size", batch_size, "windows per forward pass at most, when a chunk completes several");
  v.Group("smoothing", smoothing, "posterior smoothing (RecognizeCommands' rules)");
}

void StreamOptions::Validate() const {
  if (!(stride_ms > 0) || !std::isfinite(stride_ms)) {
    ThrowOption("--stride_ms should be > 0. Given: " + std::to_string(stride_ms));
  }
  if (batch_size < 1) ThrowOption("--batch_size should be >= 1. Given: " + std::to_string(batch_size));
  ValidateGroup(smoothing, "smoothing");
}

void ParseThreshold(const std::string& text, StreamOptions* options, std::map<std::string, double>* thresholds) {
  const size_t eq = text.find('=');
  const std::string label = eq == std::string::npos ? "" : text.substr(0, eq);
  const std::string number = eq == std::string::npos ? text : text.substr(eq + 1);
  double value = 0;
  size_t used = 0;
  try {
    value = std::stod(number, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != number.size() || (eq != std::string::npos && label.empty())) {
    ThrowOption("--threshold should be LABEL=VALUE or VALUE (every label). Given: '" + text + "'");
  }
  if (!(value >= 0 && value <= 1)) ThrowOption("--threshold " + text + ": the value should be in [0, 1]");
  if (label.empty()) {
    options->smoothing.detection_threshold = value;
  } else {
    (*thresholds)[label] = value;
  }
}

void ApplyStreamSetting(const std::string& key, const std::string& value, StreamOptions* options,
                        std::map<std::string, double>* thresholds) {
  const std::string prefix = "threshold.";
  if (key.rfind(prefix, 0) == 0) {
    const std::string label = key.substr(prefix.size());
    if (label.empty()) ThrowOption("threshold.LABEL: name the label after 'threshold.'. Given: '" + key + "'");
    ParseThreshold(label + "=" + value, options, thresholds);
    return;
  }
  if (FlatValues(options->smoothing).count(key) != 0) {
    SetOption(*options, "smoothing." + key, value);
  } else {
    SetOption(*options, key, value);
  }
  ValidateOptions(*options);
}

struct StreamingDetector::Impl {
  std::unique_ptr<ForwardPass> forward;  // holds the bundle (shared, read-only)
  const Bundle* bundle = nullptr;
  StreamOptions options;
  std::unique_ptr<StreamFrontEnd> frontend;
  std::optional<PosteriorSmoother> smoother;
  FeatureNorm norm;
  int rate = 0;
  int64_t window = 0;         // samples
  int64_t window_frames = 0;  // F
  int64_t stride = 0;         // samples
  int64_t stride_frames = 0;
  int64_t next_window = 0;    // index of the next window to run
  std::vector<float> features;
  std::vector<float> probs;
  PosteriorObserver observer;

  double Ms(int64_t sample) const { return static_cast<double>(sample) * 1000.0 / rate; }
  // Runs every window the computed frames complete.
  void RunReady(std::vector<StreamEvent>* events);
};

void StreamingDetector::Impl::RunReady(std::vector<StreamEvent>* events) {
  const int64_t size = frontend->frame_size();
  const int64_t example = size * window_frames;
  const int classes = static_cast<int>(bundle->info.labels.size());
  while (next_window * stride_frames + window_frames <= frontend->frames()) {
    const int64_t ready = (frontend->frames() - window_frames) / stride_frames + 1 - next_window;
    const int64_t count = std::min<int64_t>(ready, options.batch_size);
    features.resize(static_cast<size_t>(count * example));
    for (int64_t w = 0; w < count; ++w) {
      const int64_t k0 = (next_window + w) * stride_frames;
      float* x = features.data() + w * example;
      // [channels][rows][frames], as FrontEnd lays out one window.
      for (int64_t j = 0; j < window_frames; ++j) {
        const float* f = frontend->Frame(k0 + j);
        for (int64_t r = 0; r < size; ++r) x[r * window_frames + j] = f[r];
      }
      norm.Apply(x, example);
    }
    probs.resize(static_cast<size_t>(count * classes));
    forward->Run(features.data(), count, probs.data());
    for (int64_t w = 0; w < count; ++w) {
      const double end_ms = Ms((next_window + w) * stride + window);
      const std::vector<float> row(probs.begin() + w * classes, probs.begin() + (w + 1) * classes);
      if (observer) observer(end_ms, row);
      if (const auto d = smoother->Add(end_ms, row)) {
        events->push_back({end_ms - Ms(window), end_ms, bundle->info.labels[static_cast<size_t>(d->label)], d->score});
      }
    }
    next_window += count;
  }
}

StreamingDetector::StreamingDetector(const std::string& bundle_path, const StreamOptions& options,
                                     const std::map<std::string, double>& thresholds)
    : StreamingDetector((ValidateOptions(options), LoadInferenceBundle(bundle_path)), options, thresholds) {}

StreamingDetector::StreamingDetector(std::shared_ptr<const Bundle> bundle, const StreamOptions& options,
                                     const std::map<std::string, double>& thresholds)
    : impl_(std::make_unique<Impl>()) {
  ValidateOptions(options);
  if (!bundle) ThrowOption("StreamingDetector: no bundle given (a null pointer)");
  Impl& m = *impl_;
  m.options = options;
  m.forward = std::make_unique<ForwardPass>(std::move(bundle));
  m.bundle = m.forward->bundle().get();
  const BundleInfo& info = m.bundle->info;
  const std::string& bundle_path = m.bundle->path;
  const FrontEndOptions& fo = info.features;
  m.rate = fo.sample_rate;
  m.window = info.clip_samples;
  m.stride = std::llround(options.stride_ms * m.rate / 1000.0);
  if (m.stride < 1 || m.stride % fo.hop_length != 0) {
    ThrowOption("--stride_ms " + std::to_string(options.stride_ms) + " is " + std::to_string(m.stride) +
                " samples at " + std::to_string(m.rate) + " Hz, not a multiple of the model's hop (" +
                std::to_string(fo.hop_length) + " samples, " + std::to_string(fo.hop_length * 1000.0 / m.rate) +
                " ms)");
  }
  m.stride_frames = m.stride / fo.hop_length;
  m.window_frames = info.example_shape.back();
  m.frontend = std::make_unique<StreamFrontEnd>(
      fo, m.window_frames + (options.batch_size + 1) * m.stride_frames + 2);
  if (m.frontend->frame_size() * m.window_frames != [&] {
        int64_t n = 1;
        for (int64_t d : info.example_shape) n *= d;
        return n;
      }()) {
    ThrowMismatch(bundle_path + ": the stream front end's frames do not make the model's example shape");
  }
  if (!info.normalizer_json.empty()) m.norm = FeatureNorm::FromJson(info.normalizer_json, bundle_path + " [normalizer]");
  std::map<std::string, double> merged = info.thresholds;
  for (const auto& [label, value] : thresholds) merged[label] = value;
  m.smoother.emplace(info.labels, options.smoothing, merged, info.data.silence_label, info.data.unknown_label);
}

StreamingDetector::~StreamingDetector() = default;

const BundleInfo& StreamingDetector::info() const { return impl_->bundle->info; }
int StreamingDetector::sample_rate() const { return impl_->rate; }
const std::vector<std::string>& StreamingDetector::labels() const { return impl_->bundle->info.labels; }
int64_t StreamingDetector::window_samples() const { return impl_->window; }
int64_t StreamingDetector::stride_samples() const { return impl_->stride; }
int64_t StreamingDetector::samples() const { return impl_->frontend->samples(); }

double StreamingDetector::Threshold(const std::string& label) const {
  const auto& labels = impl_->bundle->info.labels;
  const auto it = std::find(labels.begin(), labels.end(), label);
  if (it == labels.end()) ThrowOption("no label '" + label + "' in the bundle");
  return impl_->smoother->Threshold(static_cast<int>(it - labels.begin()));
}

void StreamingDetector::SetPosteriorObserver(PosteriorObserver observer) { impl_->observer = std::move(observer); }

std::vector<StreamEvent> StreamingDetector::Push(const float* samples, int64_t n) {
  Impl& m = *impl_;
  std::vector<StreamEvent> events;
  // At most one batch of windows' worth of samples at a time, so that the
  // frames a batch needs are still held however long the chunk.
  const int64_t piece = m.stride * m.options.batch_size;
  for (int64_t at = 0; at < n; at += piece) {
    m.frontend->Push(samples + at, std::min(piece, n - at));
    m.RunReady(&events);
  }
  return events;
}

}  // namespace earshot
