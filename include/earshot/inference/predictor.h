// Running a trained model bundle on sound: files or samples in, class
// probabilities out, with the bundle's own front end, normalisation and
// window length.
//
//   Predictor p("runs/kws/model/best.bundle");
//   std::vector<float> probs = p.PredictFile("clip.wav");   // one per label
//   eval::Predictions all = p.PredictFiles(paths, ids);      // rows x labels
//
// A clip longer than the model's window is cut into windows of
// info().clip_samples, hop_seconds apart (the bundle's loader.clip.hop_seconds,
// data/clip_length.h WindowStarts: the last window ends at the clip's end);
// a shorter one is zero-padded, centred. The window probabilities are
// combined by their mean (or, with window_combine = max, each class's
// largest probability over the windows). Several bundles are ensembled with
// PredictEnsemble. docs/predict.md describes the command-line tools.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "earshot/data/bad_files.h"
#include "earshot/eval/ensemble.h"
#include "earshot/inference/bundle.h"

namespace earshot {

// Eval and predict draw a progress bar on stderr for more clips than this.
constexpr size_t kProgressFiles = 256;

struct PredictorOptions {
  std::string window_combine = "mean";  // mean | max: how a long clip's window probabilities combine
  int batch_size = 32;                  // windows per forward pass
  int threads = 1;                      // front-end threads per batch
  double hop_seconds = -1.0;            // window step; < 0 = the bundle's loader.clip.hop_seconds; 0 = one window length

  // Throws Error(kInvalidOption) naming the option and the value.
  void Validate() const;
};

class Predictor {
 public:
  // Loads the bundle (LoadInferenceBundle); throws naming the path when it
  // is missing or does not fit together.
  explicit Predictor(const std::string& bundle_path, const PredictorOptions& options = {});
  // Over a bundle already loaded, shared (LoadInferenceBundle: read-only,
  // its forward safe from several threads at once).
  explicit Predictor(std::shared_ptr<const Bundle> bundle, const PredictorOptions& options = {});
  ~Predictor();
  Predictor(const Predictor&) = delete;
  Predictor& operator=(const Predictor&) = delete;

  const BundleInfo& info() const;
  // The loaded bundle, for others to share (a StreamingDetector over it).
  const std::shared_ptr<const Bundle>& bundle() const;
  const std::string& path() const;
  const std::vector<std::string>& labels() const;
  int sample_rate() const;           // the rate samples must be at
  int64_t window_samples() const;    // the model's window (info().clip_samples)
  int64_t hop_samples() const;       // step between windows of a long clip
  const std::string& output() const;  // softmax | sigmoid: how logits become probabilities

  // Probabilities of every window of one clip at sample_rate(): windows x
  // labels, row-major; `windows` receives the count.
  std::vector<float> WindowProbabilities(const float* samples, int64_t n, int64_t* windows) const;

  // One clip at sample_rate(): its window probabilities combined, one per label.
  std::vector<float> PredictSamples(const float* samples, int64_t n) const;
  std::vector<float> PredictSamples(const std::vector<float>& samples) const {
    return PredictSamples(samples.data(), static_cast<int64_t>(samples.size()));
  }

  // Decodes (and resamples) a sound file, then PredictSamples.
  std::vector<float> PredictFile(const std::string& path) const;

  // Many clips at once, their windows batched together; rows in input order.
  // `window_probabilities`, when given, receives each clip's window
  // probabilities (windows x labels, row-major) as WindowProbabilities gives them.
  std::vector<float> PredictClips(const std::vector<std::vector<float>>& clips,
                                  std::vector<std::vector<float>>* window_probabilities = nullptr) const;

  // Decodes and predicts every file; ids name the rows (the paths when
  // empty). The result's classes are labels(), its source the bundle path.
  // Without `bad` a file that cannot be read is an error naming it; with
  // it, the file is recorded there (BadFileReport, data/bad_files.h) and
  // left out of the rows. More than kProgressFiles files show a progress
  // bar on stderr.
  eval::Predictions PredictFiles(const std::vector<std::string>& paths,
                                 const std::vector<std::string>& ids = {},
                                 BadFileReport* bad = nullptr) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Sound files named on a command line: audio files (id = the path as
// given), folders (every audio file below, id = path relative to the
// folder) and list files (one audio path per line, relative to the list;
// id = the line). A path that does not exist is an error naming it, and so
// are two files that would get the same id (the same relative path under
// two folders given).
struct InputFile {
  std::string path;
  std::string id;
};
std::vector<InputFile> ListInputs(const std::vector<std::string>& inputs);

// Throws Error(kMismatch) unless every predictor has the same labels in the
// same order, naming the two bundles and the first difference.
void CheckSameLabels(const std::vector<const Predictor*>& predictors);

// Every predictor on every file, then the
// per-file probabilities combined (eval::Combine: arithmetic mean for
// seed 002, geometric for seed 003). `each`, when given, receives each
// bundle's own predictions (the per-fold arrays of seed 003). With `bad`,
// files that cannot be read are listed there and left out of every set
// (PredictFiles); without it they are an error.
eval::Predictions PredictEnsemble(const std::vector<const Predictor*>& predictors,
                                  const std::vector<std::string>& paths,
                                  const std::vector<std::string>& ids,
                                  const eval::EnsembleOptions& options,
                                  std::vector<eval::Predictions>* each = nullptr,
                                  BadFileReport* bad = nullptr);

}  // namespace earshot
