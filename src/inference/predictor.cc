#include "earshot/inference/predictor.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <set>

#include "earshot/audio/decode.h"
#include "earshot/data/clip_length.h"
#include "earshot/data/readers.h"
#include "earshot/data/feature_norm.h"
#include "earshot/features/frontend.h"
#include "earshot/inference/forward_pass.h"
#include "earshot/util/error.h"
#include "earshot/util/progress.h"

namespace earshot {

void PredictorOptions::Validate() const {
  if (window_combine != "mean" && window_combine != "max") {
    ThrowOption("--window-combine should be mean | max. Given: '" + window_combine + "'");
  }
  if (batch_size < 1) ThrowOption("--batch-size should be >= 1. Given: " + std::to_string(batch_size));
  if (threads < 1) ThrowOption("predictor threads should be >= 1. Given: " + std::to_string(threads));
}

struct Predictor::Impl {
  std::string path;
  PredictorOptions options;
  std::unique_ptr<ForwardPass> forward;  // holds the bundle
  const Bundle* bundle = nullptr;
  std::unique_ptr<FrontEnd> frontend;
  FeatureNorm norm;
  int64_t window = 0;
  int64_t hop = 0;
  int64_t example_size = 0;
  int classes = 0;

  // Probabilities of `count` windows of `window` samples each.
  std::vector<float> Run(const float* windows, int64_t count) const;
  // Window probabilities combined into one row per clip.
  void Combine(const float* window_probs, int64_t count, float* out) const;
};

std::vector<float> Predictor::Impl::Run(const float* windows, int64_t count) const {
  std::vector<float> probs(static_cast<size_t>(count * classes));
  std::vector<float> features;
  for (int64_t first = 0; first < count; first += options.batch_size) {
    const int64_t size = std::min<int64_t>(options.batch_size, count - first);
    features.resize(static_cast<size_t>(size * example_size));
    frontend->ComputeBatch(windows + first * window, size, window, features.data(), options.threads);
    if (norm.mode != "none") {
      for (int64_t i = 0; i < size; ++i) norm.Apply(features.data() + i * example_size, example_size);
    }
    forward->Run(features.data(), size, probs.data() + first * classes);
  }
  return probs;
}

void Predictor::Impl::Combine(const float* window_probs, int64_t count, float* out) const {
  const bool max = options.window_combine == "max";
  for (int c = 0; c < classes; ++c) {
    double acc = max ? window_probs[c] : 0.0;
    for (int64_t w = 0; w < count; ++w) {
      const double v = window_probs[w * classes + c];
      acc = max ? std::max(acc, v) : acc + v;
    }
    out[c] = static_cast<float>(max ? acc : acc / static_cast<double>(count));
  }
}

Predictor::Predictor(const std::string& bundle_path, const PredictorOptions& options)
    : Predictor((options.Validate(), LoadInferenceBundle(bundle_path)), options) {}

Predictor::Predictor(std::shared_ptr<const Bundle> bundle, const PredictorOptions& options)
    : impl_(std::make_unique<Impl>()) {
  options.Validate();
  if (!bundle) ThrowOption("Predictor: no bundle given (a null pointer)");
  Impl& m = *impl_;
  m.path = bundle->path;
  m.options = options;
  m.forward = std::make_unique<ForwardPass>(std::move(bundle));
  m.bundle = m.forward->bundle().get();
  const BundleInfo& info = m.bundle->info;
  const std::string& bundle_path = m.path;
  m.frontend = std::make_unique<FrontEnd>(info.features);
  if (!info.normalizer_json.empty()) {
    m.norm = FeatureNorm::FromJson(info.normalizer_json, bundle_path + " [normalizer]");
  }
  ClipOptions clip = info.loader.clip;
  if (options.hop_seconds >= 0) clip.hop_seconds = options.hop_seconds;
  m.window = info.clip_samples;
  if (m.window < 1) ThrowBadData(bundle_path + ": clip_samples should be >= 1. Given: " + std::to_string(m.window));
  m.hop = clip.hop_seconds > 0 ? std::max<int64_t>(1, clip.Hop(info.features.sample_rate)) : m.window;
  m.example_size = m.frontend->OutputSize(m.window);
  m.classes = static_cast<int>(info.labels.size());
}

Predictor::~Predictor() = default;

const BundleInfo& Predictor::info() const { return impl_->bundle->info; }
const std::shared_ptr<const Bundle>& Predictor::bundle() const { return impl_->forward->bundle(); }
const std::string& Predictor::path() const { return impl_->path; }
const std::vector<std::string>& Predictor::labels() const { return impl_->bundle->info.labels; }
int Predictor::sample_rate() const { return impl_->bundle->info.features.sample_rate; }
int64_t Predictor::window_samples() const { return impl_->window; }
int64_t Predictor::hop_samples() const { return impl_->hop; }
const std::string& Predictor::output() const { return impl_->bundle->info.output; }

std::vector<float> Predictor::WindowProbabilities(const float* samples, int64_t n,
                                                  int64_t* windows) const {
  int64_t count = 0;
  const std::vector<float> w = ClipWindows(samples, n, impl_->window, impl_->hop, &count);
  if (windows) *windows = count;
  return impl_->Run(w.data(), count);
}

std::vector<float> Predictor::PredictSamples(const float* samples, int64_t n) const {
  int64_t count = 0;
  const std::vector<float> probs = WindowProbabilities(samples, n, &count);
  std::vector<float> out(static_cast<size_t>(impl_->classes));
  impl_->Combine(probs.data(), count, out.data());
  return out;
}

std::vector<float> Predictor::PredictFile(const std::string& path) const {
  return PredictSamples(DecodeFile(path, sample_rate()));
}

std::vector<float> Predictor::PredictClips(const std::vector<std::vector<float>>& clips,
                                           std::vector<std::vector<float>>* window_probabilities) const {
  const Impl& m = *impl_;
  std::vector<float> out(clips.size() * static_cast<size_t>(m.classes));
  if (window_probabilities) window_probabilities->assign(clips.size(), {});
  // Clips are gathered until their windows fill a batch, so that short
  // clips share forward passes.
  size_t first = 0;
  while (first < clips.size()) {
    std::vector<float> windows;
    std::vector<int64_t> counts;
    size_t last = first;
    int64_t total = 0;
    while (last < clips.size() && (total < m.options.batch_size || last == first)) {
      int64_t count = 0;
      const auto& c = clips[last];
      const std::vector<float> w = ClipWindows(c.data(), static_cast<int64_t>(c.size()), m.window, m.hop, &count);
      windows.insert(windows.end(), w.begin(), w.end());
      counts.push_back(count);
      total += count;
      ++last;
    }
    const std::vector<float> probs = m.Run(windows.data(), total);
    int64_t row = 0;
    for (size_t i = first; i < last; ++i) {
      const int64_t count = counts[i - first];
      const float* rows = probs.data() + row * m.classes;
      m.Combine(rows, count, out.data() + i * static_cast<size_t>(m.classes));
      if (window_probabilities) (*window_probabilities)[i].assign(rows, rows + count * m.classes);
      row += count;
    }
    first = last;
  }
  return out;
}

eval::Predictions Predictor::PredictFiles(const std::vector<std::string>& paths,
                                          const std::vector<std::string>& ids, BadFileReport* bad) const {
  if (!ids.empty() && ids.size() != paths.size()) {
    ThrowMismatch("PredictFiles: " + std::to_string(ids.size()) + " ids for " +
                  std::to_string(paths.size()) + " files");
  }
  const std::vector<std::string>& names = ids.empty() ? paths : ids;
  eval::Predictions p;
  p.source = impl_->path;
  p.classes = labels();
  p.columns = static_cast<int>(p.classes.size());
  if (bad) bad->files += static_cast<int64_t>(paths.size());
  std::unique_ptr<ProgressBar> bar;
  if (paths.size() > kProgressFiles) {
    bar = std::make_unique<ProgressBar>("predict " + impl_->path, static_cast<int64_t>(paths.size()));
  }
  // Decoded a batch at a time so that memory stays bounded on long lists.
  const size_t chunk = static_cast<size_t>(std::max(1, impl_->options.batch_size));
  for (size_t first = 0; first < paths.size(); first += chunk) {
    const size_t end = std::min(paths.size(), first + chunk);
    std::vector<std::vector<float>> clips;
    for (size_t i = first; i < end; ++i) {
      try {
        clips.push_back(DecodeFile(paths[i], sample_rate()));
      } catch (const Error& e) {
        if (!bad) throw;
        bad->bad.push_back(BadFileOf(paths[i], e.what()));
        continue;
      }
      p.ids.push_back(names[i]);
    }
    const std::vector<float> rows = PredictClips(clips);
    p.scores.insert(p.scores.end(), rows.begin(), rows.end());
    if (bar) bar->Update(static_cast<int64_t>(end));
  }
  if (bar) bar->Finish();
  return p;
}

std::vector<InputFile> ListInputs(const std::vector<std::string>& inputs) {
  namespace fs = std::filesystem;
  std::vector<InputFile> out;
  const std::vector<std::string> audio = DataOptions().extensions;
  for (const std::string& in : inputs) {
    std::error_code ec;
    if (!fs::exists(in, ec)) ThrowIo(in + ": missing: no such audio file, folder or list");
    std::string ext = fs::path(in).extension().string();
    if (!ext.empty()) ext = ext.substr(1);
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    if (fs::is_regular_file(in, ec) &&
        std::find(audio.begin(), audio.end(), ext) != audio.end()) {
      out.push_back({in, in});
      continue;
    }
    DataOptions o;
    o.root = in;
    o.layout = fs::is_directory(in, ec) ? "folder" : "list";
    for (const ClipRef& c : ReadDataset(o).clips) out.push_back({c.path, c.id});
  }
  // Ids name the output rows: two files may not share one.
  std::map<std::string, const InputFile*> seen;
  for (const InputFile& f : out) {
    const auto [it, fresh] = seen.emplace(f.id, &f);
    if (!fresh) {
      ThrowOption(f.path + " and " + it->second->path + " would both be named '" + f.id +
                  "' in the predictions: give their common folder instead, so that each is "
                  "named by its path relative to it");
    }
  }
  return out;
}

void CheckSameLabels(const std::vector<const Predictor*>& predictors) {
  if (predictors.empty()) ThrowOption("no model bundle given");
  const auto& first = predictors.front()->labels();
  for (size_t i = 1; i < predictors.size(); ++i) {
    const auto& other = predictors[i]->labels();
    if (other == first) continue;
    std::string why;
    if (other.size() != first.size()) {
      why = std::to_string(other.size()) + " labels against " + std::to_string(first.size());
    } else {
      for (size_t k = 0; k < first.size(); ++k) {
        if (first[k] != other[k]) {
          why = "label " + std::to_string(k) + " is '" + other[k] + "', not '" + first[k] + "'";
          break;
        }
      }
    }
    ThrowMismatch(predictors[i]->path() + ": its labels differ from those of " +
                  predictors.front()->path() + " (" + why +
                  "): bundles are ensembled only when they share labels in the same order");
  }
}

eval::Predictions PredictEnsemble(const std::vector<const Predictor*>& predictors,
                                  const std::vector<std::string>& paths,
                                  const std::vector<std::string>& ids,
                                  const eval::EnsembleOptions& options,
                                  std::vector<eval::Predictions>* each, BadFileReport* bad) {
  CheckSameLabels(predictors);
  std::vector<eval::Predictions> sets;
  std::vector<BadFileReport> reports(predictors.size());
  for (size_t i = 0; i < predictors.size(); ++i) {
    sets.push_back(predictors[i]->PredictFiles(paths, ids, bad ? &reports[i] : nullptr));
  }
  if (bad) {
    // A file one bundle could not read (at its sample rate) is left out of all.
    const std::vector<std::string>& names = ids.empty() ? paths : ids;
    std::map<std::string, std::string> unread;  // path -> id
    for (const BadFileReport& r : reports) {
      for (const BadFile& f : r.bad) {
        if (unread.count(f.path)) continue;
        const size_t at = static_cast<size_t>(std::find(paths.begin(), paths.end(), f.path) - paths.begin());
        unread[f.path] = names[at];
        bad->bad.push_back(f);
      }
    }
    bad->files += static_cast<int64_t>(paths.size());
    std::set<std::string> drop;
    for (const auto& [path, id] : unread) drop.insert(id);
    for (eval::Predictions& set : sets) {
      if (static_cast<size_t>(set.Rows()) + drop.size() == paths.size()) continue;
      eval::Predictions kept = set;
      kept.ids.clear();
      kept.scores.clear();
      const size_t k = static_cast<size_t>(set.columns);
      for (size_t r = 0; r < set.ids.size(); ++r) {
        if (drop.count(set.ids[r])) continue;
        kept.ids.push_back(set.ids[r]);
        kept.scores.insert(kept.scores.end(), set.scores.begin() + static_cast<std::ptrdiff_t>(r * k),
                           set.scores.begin() + static_cast<std::ptrdiff_t>((r + 1) * k));
      }
      set = std::move(kept);
    }
  }
  eval::Predictions combined = sets.size() == 1 ? sets.front() : eval::Combine(sets, options);
  if (each) *each = std::move(sets);
  return combined;
}

}  // namespace earshot
