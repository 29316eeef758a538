// earshot as a library: load a trained model bundle, classify sound or
// spot keywords in a stream (KeywordListener).
// The one header most programs need; it does not include LibTorch.
//
//   #include <earshot/earshot.h>
//
//   earshot::SoundClassifier model("runs/kws/model/best.bundle");
//   earshot::Classification c = model.ClassifyFile("clip.wav");
//   for (const earshot::LabelProbability& t : c.Top(3))
//     std::printf("%s %.3f\n", t.label.c_str(), t.probability);
//
// A SoundClassifier is a Predictor (inference/predictor.h) that answers in
// structs: the same windows, front end, normalisation, model and window
// combination, so its probabilities are Predictor's. Errors are
// earshot::Error (util/error.h) naming the bundle or the sound file.
// Link with earshot::earshot (CMake) or `pkg-config --libs earshot`
// (docs/library.md). LibTorch's compute threads are the program's to set
// (SetComputeThreads, training/trainer.h; earshot_set_compute_threads in
// the C API): the library does not change them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "earshot/util/error.h"

namespace earshot {

class Predictor;
struct PredictorOptions;
class StreamingDetector;
struct StreamOptions;

// The library's version, "major.minor.patch" (project() in CMakeLists.txt).
const char* Version();

struct LabelProbability {
  std::string label;
  int index = 0;            // the label's position in SoundClassifier::labels()
  float probability = 0.0f;
};

// One clip's answer.
struct Classification {
  std::string source;                    // the file classified; empty for samples
  std::vector<LabelProbability> classes;  // every label, in the bundle's order

  // The k most probable labels, most probable first; equal probabilities in
  // label order (the rule of `earshot predict` and eval/metrics.h). k larger
  // than the label count gives them all; k < 1 is an error.
  std::vector<LabelProbability> Top(int k) const;
  // Top(1)[0].
  const LabelProbability& Best() const;
  // The probabilities alone, in label order.
  std::vector<float> Probabilities() const;
};

class SoundClassifier {
 public:
  // Loads the bundle (LoadInferenceBundle, inference/bundle.h); throws Error naming
  // the path when it is missing, damaged or does not fit together.
  explicit SoundClassifier(const std::string& bundle_path);
  // With options for long clips (window hop and combination) and batching.
  SoundClassifier(const std::string& bundle_path, const PredictorOptions& options);
  ~SoundClassifier();
  SoundClassifier(SoundClassifier&&) noexcept;
  SoundClassifier& operator=(SoundClassifier&&) noexcept;

  const std::vector<std::string>& labels() const;
  int sample_rate() const;        // the rate ClassifySamples takes
  double window_seconds() const;  // the model's window; longer clips are cut into windows
  const std::string& path() const;
  const Predictor& predictor() const;  // for everything else it offers

  // Mono samples at sample_rate(), any length.
  Classification ClassifySamples(const float* samples, size_t n) const;
  Classification ClassifySamples(const std::vector<float>& samples) const {
    return ClassifySamples(samples.data(), samples.size());
  }
  // Mono samples at `rate`: an error naming the bundle unless rate is
  // sample_rate() (resample first, or write a file and use ClassifyFile).
  Classification ClassifySamples(const float* samples, size_t n, int rate) const;
  // Any sound file libsndfile reads, decoded and resampled to sample_rate().
  Classification ClassifyFile(const std::string& path) const;
  // A batch: windows of all clips share forward passes; answers in input order.
  std::vector<Classification> ClassifyClips(const std::vector<std::vector<float>>& clips) const;
  // Files decoded in turn, windows batched; a file that cannot be read is
  // an error naming it.
  std::vector<Classification> ClassifyFiles(const std::vector<std::string>& paths) const;

 private:
  Classification Answer(const float* probabilities, std::string source) const;
  std::unique_ptr<Predictor> predictor_;
};

// A keyword a KeywordListener heard: the model window whose averaged
// posterior fired it ends at end_ms and starts at start_ms (the keyword
// lies within), both from the first sample pushed.
struct KeywordEvent {
  double start_ms = 0;
  double end_ms = 0;
  std::string label;
  int index = 0;      // the label's position in KeywordListener::labels()
  float score = 0.0f;  // the label's averaged posterior
};

// Keyword spotting over a stream of samples: a StreamingDetector
// (stream/detector.h; docs/stream.md) that answers in structs. The model
// runs on the last window every stride; its posteriors are smoothed into
// events. The same samples give the same events whatever the chunking.
//
//   earshot::KeywordListener kws("best.bundle", {"stride_ms=40", "threshold.yes=0.8"});
//   for (each chunk at kws.sample_rate())
//     for (const earshot::KeywordEvent& e : kws.Push(chunk, n)) ...
//
// Not for several threads at once: one listener per stream.
class KeywordListener {
 public:
  // Loads the bundle; `settings` are "key=value" texts: stride_ms,
  // batch_size, the smoothing keys (average_window_ms,
  // detection_threshold, suppression_ms, minimum_count, label_change) and
  // threshold.LABEL (a label's threshold over the bundle's). A bad setting
  // is an Error naming its key; a bundle whose front end cannot stream
  // (waveform features, per-clip dB scaling) an Error saying why.
  explicit KeywordListener(const std::string& bundle_path, const std::vector<std::string>& settings = {});
  // With the options struct of stream/detector.h.
  KeywordListener(const std::string& bundle_path, const StreamOptions& options,
                  const std::map<std::string, double>& thresholds);
  ~KeywordListener();
  KeywordListener(KeywordListener&&) noexcept;
  KeywordListener& operator=(KeywordListener&&) noexcept;

  const std::vector<std::string>& labels() const;
  int sample_rate() const;         // the rate Push takes
  double window_seconds() const;   // the model's window
  double stride_seconds() const;   // the model runs this often
  double Threshold(const std::string& label) const;  // a label's detection threshold in use
  int64_t samples() const;         // pushed so far
  const StreamingDetector& detector() const;

  // Mono samples at sample_rate(), a chunk of any size; the events of the
  // model windows they complete, in time order.
  std::vector<KeywordEvent> Push(const float* samples, size_t n);
  std::vector<KeywordEvent> Push(const std::vector<float>& samples) { return Push(samples.data(), samples.size()); }

 private:
  std::unique_ptr<StreamingDetector> detector_;
};

}  // namespace earshot
