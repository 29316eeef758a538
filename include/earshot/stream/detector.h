// A keyword detector over a stream of samples: a model bundle run every
// `stride_ms` on the last window of audio, its posteriors smoothed into
// events (stream/smoothing.h).
//
//   StreamingDetector d("runs/kws/model/best.bundle");
//   for (each chunk at d.sample_rate()) for (const StreamEvent& e : d.Push(chunk, n)) ...;
//
// Samples arrive in chunks of any size: the same samples give the same
// events whatever the chunking. The front end is incremental
// (stream/stream_frontend.h): each frame is computed once. Model window i
// is stream frames i * stride .. i * stride + F - 1 (F the frames of one
// window of info().clip_samples), the frames FrontEnd gives for the window
// of samples [i * stride, i * stride + clip_samples) at hop_length steps;
// the bundle's feature normalisation is applied to the window, then the
// model. docs/stream.md tells what differs from Predictor at window edges.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "earshot/stream/smoothing.h"
#include "earshot/util/options.h"

namespace earshot {

struct Bundle;
struct BundleInfo;

struct StreamOptions : Options {
  double stride_ms = 20.0;  // the model runs on the last window this often; a multiple of the front end's hop
  int batch_size = 32;      // windows per forward pass at most, when a chunk completes several
  SmoothingOptions smoothing;

  void Visit(OptionVisitor& v) override;
  void Validate() const override;
};

// One detection threshold as given to `earshot stream --threshold`:
// "LABEL=VALUE" sets thresholds[LABEL], "VALUE" alone the default of every
// label (options->smoothing.detection_threshold); VALUE in [0, 1]. A bad
// form or value is an option error quoting it.
void ParseThreshold(const std::string& text, StreamOptions* options, std::map<std::string, double>* thresholds);

// One detector setting as key and value text, for callers that take them
// as text (the server's query, the library facade, the C API): a
// StreamOptions key (stride_ms, batch_size, smoothing.suppression_ms; a
// smoothing key may be given alone: suppression_ms), or threshold.LABEL
// (that label's threshold, as ParseThreshold("LABEL=VALUE")). The options
// are validated after it: an unknown key, a value that does not parse or
// is out of range is an option error naming the key.
void ApplyStreamSetting(const std::string& key, const std::string& value, StreamOptions* options,
                        std::map<std::string, double>* thresholds);

// A keyword heard: end_ms is the end of the model window whose posterior
// fired the detection, start_ms that minus the window (the keyword lies
// within), both from the stream's first sample; score is the averaged
// posterior of the label.
struct StreamEvent {
  double start_ms = 0;
  double end_ms = 0;
  std::string label;
  float score = 0;
};

class StreamingDetector {
 public:
  // Loads the bundle (LoadInferenceBundle). `thresholds` override the bundle's
  // per-label thresholds (BundleInfo::thresholds); a label the bundle does
  // not have is an error naming it.
  explicit StreamingDetector(const std::string& bundle_path, const StreamOptions& options = {},
                             const std::map<std::string, double>& thresholds = {});
  // Over a bundle already loaded (LoadInferenceBundle, Predictor::bundle()),
  // loading nothing. Shared: the bundle (its info and the model, whose
  // forward in eval mode changes nothing), so any number of detectors, on
  // any threads, may run over one bundle at once. Per detector: the stream's
  // state (front end frames, posterior history, feature buffer), used by one
  // thread at a time.
  StreamingDetector(std::shared_ptr<const Bundle> bundle, const StreamOptions& options = {},
                    const std::map<std::string, double>& thresholds = {});
  ~StreamingDetector();
  StreamingDetector(const StreamingDetector&) = delete;
  StreamingDetector& operator=(const StreamingDetector&) = delete;

  const BundleInfo& info() const;
  int sample_rate() const;
  const std::vector<std::string>& labels() const;
  int64_t window_samples() const;  // the model's window
  int64_t stride_samples() const;
  int64_t samples() const;         // pushed so far
  double Threshold(const std::string& label) const;

  // n samples at sample_rate(); returns the events of the model windows
  // they complete, in time order.
  std::vector<StreamEvent> Push(const float* samples, int64_t n);
  std::vector<StreamEvent> Push(const std::vector<float>& samples) {
    return Push(samples.data(), static_cast<int64_t>(samples.size()));
  }

  // Called with every window's end (ms) and probabilities, in order.
  using PosteriorObserver = std::function<void(double end_ms, const std::vector<float>& probabilities)>;
  void SetPosteriorObserver(PosteriorObserver observer);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace earshot
