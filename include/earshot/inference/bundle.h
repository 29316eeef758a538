// The model bundle: one file holding the weights, the model config, the
// front-end config, the label list, the feature normalisation and the
// training provenance, so that a model always knows how to hear.
//
//   Bundle b = LoadBundle("run/best.bundle");     // checks the parts fit
//   FrontEnd fe(b.info.features);
//   auto logits = b.model->forward(x);
//
// The file is a LibTorch archive (zip) with the weights under their module
// names, the rest as one JSON string under "earshot_meta", and under
// "earshot_sha256" the SHA-256 of that JSON and of every parameter and
// buffer: a bundle damaged after it was written is refused. Bundles written
// before the checksum existed have none and load unchecked; those written
// before `output`, `data`, `store` and `loader` were recorded get them from
// their recipe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "earshot/data/data_options.h"
#include "earshot/data/loader_options.h"
#include "earshot/data/store_options.h"
#include "earshot/features/frontend_options.h"
#include "earshot/models/model_options.h"

namespace earshot {

class Classifier;

struct BundleInfo {
  FrontEndOptions features;
  ModelOptions model;
  std::vector<std::string> labels;     // output order of the model
  std::string task = "single_label";   // single_label | soft_label (what recipes train; LoadBundle refuses others)
  std::string output = "softmax";      // softmax | sigmoid: how logits become probabilities
  int64_t clip_samples = 0;            // the model's window, at features.sample_rate
  std::vector<int64_t> example_shape;  // the front end's output for one window
  std::string normalizer_json;         // feature normalisation stats ("" = none)
  // How the model's data were read, decoded and cut into clips: eval reads
  // its split and makes its silence clips with these; the predictor takes
  // the window hop from loader.clip.hop_seconds.
  DataOptions data;
  StoreOptions store;
  LoaderOptions loader;
  std::string recipe_toml;             // the whole recipe as trained
  std::string provenance_json;         // version, time, data, seed, epochs, metrics
  // Streaming detection (stream/detector.h): a detection threshold per
  // label, in [0, 1]; labels absent use the detector's default. Saved only
  // when not empty, so bundles without thresholds keep their bytes.
  std::map<std::string, double> thresholds;
};

struct Bundle {
  BundleInfo info;
  std::shared_ptr<Classifier> model;   // in eval mode
  std::string path;                    // the file it was loaded from
};

// Written atomically. Throws Error naming the path on failure.
void SaveBundle(const std::string& path, const BundleInfo& info, Classifier& model);

// Throws Error naming the path and what does not fit: a checksum that
// differs from the recorded one (damaged bytes), an unknown format,
// weights that do not match the model built from its own config, a label
// count that differs from the model's outputs, a front end whose output
// differs from the recorded example shape.
Bundle LoadBundle(const std::string& path);

// LoadBundle for inference only, the model prepared for it
// (PrepareForInference, models/zoo.h: batch norms folded into the
// convolutions before them; the logits equal LoadBundle's within float
// rounding). Read-only from then on: Predictor and StreamingDetector share
// one between threads, each running the model's forward in eval mode,
// which changes no weight or buffer. Never trained or saved.
std::shared_ptr<const Bundle> LoadInferenceBundle(const std::string& path);

}  // namespace earshot
