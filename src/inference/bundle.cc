#include "earshot/inference/bundle.h"

#include <algorithm>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "earshot/features/frontend.h"
#include "earshot/models/zoo.h"
#include "earshot/inference/bundle_thresholds.h"
#include "earshot/inference/sha256.h"
#include "earshot/util/error.h"
#include "earshot/util/files.h"
#include "earshot/util/zip_reader.h"
#include "earshot/util/toml_table.h"

namespace earshot {
namespace {

constexpr const char* kMetaKey = "earshot_meta";
constexpr const char* kChecksumKey = "earshot_sha256";
constexpr int kFormatVersion = 1;

std::string ShapeString(const std::vector<int64_t>& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

// First line of a c10::Error message: the rest is a C++ backtrace.
std::string FirstLine(const std::string& s) { return s.substr(0, s.find('\n')); }

// SHA-256 of the metadata and of every parameter and buffer (name, type,
// shape, bytes), so that a damaged byte anywhere in them is noticed.
std::string Checksum(const std::string& meta, Classifier& model) {
  Sha256 d;
  d.Update(meta);
  auto add = [&](const std::string& name, const torch::Tensor& value) {
    const torch::Tensor t = value.detach().cpu().contiguous();
    d.Update(name + " " + std::string(t.dtype().name()) + " " + ShapeString(t.sizes().vec()) + "\n");
    d.Update(t.data_ptr(), t.nbytes());
  };
  for (const auto& p : model.named_parameters()) add(p.key(), p.value());
  for (const auto& p : model.named_buffers()) add(p.key(), p.value());
  return d.Hex();
}

// Bundles written before the data, store, loader and output were recorded
// on their own: read them from the recipe's tables (defaults without one).
void FromRecipe(BundleInfo& info, const std::string& path) {
  const std::string origin = path + " [recipe]";
  const std::string& recipe = info.recipe_toml;
  const std::string loss = recipe.empty() ? "" : TomlString(recipe, "train.loss.name", "cross_entropy", origin);
  info.output = loss == "bce" ? "sigmoid" : "softmax";
  if (recipe.empty()) return;
  LoadTomlString(info.data, TomlTable(recipe, "data", origin), origin + " [data]");
  LoadTomlString(info.store, TomlTable(recipe, "store", origin), origin + " [store]");
  LoadTomlString(info.loader, TomlTable(recipe, "loader", origin), origin + " [loader]");
}

}  // namespace

void SaveBundle(const std::string& path, const BundleInfo& info, Classifier& model) {
  if (model.folded()) {
    throw Error(ErrorKind::kInternal, path + ": a model prepared for inference (batch norms folded into its "
                                             "convolutions) cannot be saved: save the model as loaded or trained");
  }
  nlohmann::json meta;
  meta["format"] = "earshot-bundle";
  meta["version"] = kFormatVersion;
  meta["features"] = nlohmann::json::parse(ToJson(info.features));
  meta["model"] = nlohmann::json::parse(ToJson(info.model));
  meta["labels"] = info.labels;
  meta["task"] = info.task;
  meta["output"] = info.output;
  meta["data"] = nlohmann::json::parse(ToJson(info.data));
  meta["store"] = nlohmann::json::parse(ToJson(info.store));
  meta["loader"] = nlohmann::json::parse(ToJson(info.loader));
  meta["clip_samples"] = info.clip_samples;
  meta["example_shape"] = info.example_shape;
  meta["normalizer"] = info.normalizer_json;
  meta["recipe"] = info.recipe_toml;
  meta["provenance"] = info.provenance_json;
  if (!info.thresholds.empty()) meta["thresholds"] = info.thresholds;
  torch::serialize::OutputArchive archive;
  model.save(archive);
  const std::string meta_text = meta.dump();
  archive.write(kMetaKey, c10::IValue(meta_text));
  archive.write(kChecksumKey, c10::IValue(Checksum(meta_text, model)));
  std::ostringstream bytes;
  archive.save_to(bytes);
  WriteFileAtomic(path, bytes.str());
}

namespace {

// LibTorch's archive reader trusts the bytes of its records: a few changed
// bytes in a type or a pickle can crash it (docs/reliability.md, the bundle
// fuzz target's findings). The file is read once; every zip member is checked
// against its CRC-32 before LibTorch parses those same bytes, so damage is
// refused first, and a file replaced in between cannot slip past the check.
std::string ReadCheckedBundleBytes(const std::string& path) {
  std::string bytes = ReadFile(path);
  try {
    ReadZipMembers(bytes, path, "model bundle");
  } catch (const Error& e) {
    const std::string what = e.what();
    const std::string member = path + ": member ";
    if (what.rfind(member, 0) != 0) throw;
    ThrowBadData(path + ": damaged bundle: " + what.substr(path.size() + 2) + "; train or copy it again");
  }
  return bytes;
}

Bundle ReadBundle(const std::string& path) {
  const std::string bytes = ReadCheckedBundleBytes(path);
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(bytes.data(), bytes.size());
  } catch (const c10::Error& e) {
    ThrowBadData(path + ": not a model bundle (" + FirstLine(e.what()) + ")");
  }
  c10::IValue meta_value;
  if (!archive.try_read(kMetaKey, meta_value) || !meta_value.isString()) {
    ThrowBadData(path + ": a LibTorch archive but not a model bundle (no " + kMetaKey + ")");
  }
  nlohmann::json meta;
  try {
    meta = nlohmann::json::parse(meta_value.toStringRef());
  } catch (const nlohmann::json::exception& e) {
    ThrowBadData(path + ": bundle metadata is not valid JSON (" + e.what() + ")");
  }
  if (meta.value("format", "") != "earshot-bundle") ThrowBadData(path + ": unknown bundle format");
  if (meta.value("version", 0) > kFormatVersion) {
    ThrowMismatch(path + ": bundle format version " + std::to_string(meta.value("version", 0)) +
                  " is newer than this earshot reads (" + std::to_string(kFormatVersion) + ")");
  }
  Bundle b;
  BundleInfo& info = b.info;
  try {
    LoadJson(info.features, meta.at("features").dump(), path + " [features]");
    LoadJson(info.model, meta.at("model").dump(), path + " [model]");
    info.labels = meta.at("labels").get<std::vector<std::string>>();
    info.task = meta.at("task").get<std::string>();
    info.clip_samples = meta.at("clip_samples").get<int64_t>();
    info.example_shape = meta.at("example_shape").get<std::vector<int64_t>>();
    info.normalizer_json = meta.value("normalizer", "");
    info.recipe_toml = meta.value("recipe", "");
    info.provenance_json = meta.value("provenance", "");
    if (meta.contains("thresholds")) {
      info.thresholds = meta.at("thresholds").get<std::map<std::string, double>>();
    }
    if (meta.contains("output")) {
      info.output = meta.at("output").get<std::string>();
      LoadJson(info.data, meta.at("data").dump(), path + " [data]");
      LoadJson(info.store, meta.at("store").dump(), path + " [store]");
      LoadJson(info.loader, meta.at("loader").dump(), path + " [loader]");
    } else {
      FromRecipe(info, path);
    }
  } catch (const nlohmann::json::exception& e) {
    ThrowBadData(path + ": bundle metadata is incomplete (" + e.what() + ")");
  }
  // Recipes train single_label and soft_label models only; a bundle of
  // another task would be evaluated and combined by rules meant for these.
  if (info.task != "single_label" && info.task != "soft_label") {
    ThrowBadData(path + ": bundle task should be single_label | soft_label (what earshot's recipes "
                 "train). Given: '" + info.task + "'");
  }
  if (info.output != "softmax" && info.output != "sigmoid") {
    ThrowBadData(path + ": bundle output should be softmax | sigmoid. Given: '" + info.output + "'");
  }
  FrontEnd fe(info.features);
  const auto shape = fe.OutputShape(info.clip_samples);
  if (shape != info.example_shape) {
    ThrowMismatch(path + ": the front end gives " + ShapeString(shape) + " for " +
                  std::to_string(info.clip_samples) + " samples but the model was trained on " +
                  ShapeString(info.example_shape));
  }
  if (info.labels.empty()) ThrowMismatch(path + ": the bundle has no labels");
  for (const auto& [label, value] : info.thresholds) {
    if (std::find(info.labels.begin(), info.labels.end(), label) == info.labels.end()) {
      ThrowBadData(path + ": a detection threshold for '" + label + "', which is not one of the bundle's labels");
    }
    if (!(value >= 0 && value <= 1)) {
      ThrowBadData(path + ": the detection threshold for '" + label + "' should be in [0, 1]. Given: " +
                   std::to_string(value));
    }
  }
  b.model = BuildModel(info.model, info.example_shape, static_cast<int>(info.labels.size()));
  // LibTorch replaces tensors on load whatever their shape: compare the
  // shapes the config builds with the ones the file holds.
  std::map<std::string, std::vector<int64_t>> expected;
  for (const auto& p : b.model->named_parameters()) expected[p.key()] = p.value().sizes().vec();
  for (const auto& p : b.model->named_buffers()) expected[p.key()] = p.value().sizes().vec();
  try {
    b.model->load(archive);
  } catch (const c10::Error& e) {
    ThrowMismatch(path + ": the weights do not fit model '" + info.model.name +
                  "' built from the bundle's own config (" + FirstLine(e.what()) + ")");
  }
  auto check = [&](const std::string& name, const torch::Tensor& t) {
    const auto want = expected.at(name);
    if (t.sizes().vec() != want) {
      ThrowMismatch(path + ": the weights do not fit model '" + info.model.name +
                    "' built from the bundle's own config: '" + name + "' is " +
                    ShapeString(t.sizes().vec()) + " in the file, " + ShapeString(want) +
                    " in the model");
    }
  };
  for (const auto& p : b.model->named_parameters()) check(p.key(), p.value());
  for (const auto& p : b.model->named_buffers()) check(p.key(), p.value());
  // Bundles written before checksums were recorded have none and load as before.
  c10::IValue recorded;
  if (archive.try_read(kChecksumKey, recorded)) {
    const std::string computed = Checksum(meta_value.toStringRef(), *b.model);
    if (!recorded.isString() || recorded.toStringRef() != computed) {
      ThrowBadData(path + ": damaged bundle: the SHA-256 checksum of its weights and metadata (" + computed +
                   ") differs from the one recorded when it was written (" +
                   (recorded.isString() ? recorded.toStringRef() : std::string("unreadable")) +
                   "); train or copy it again");
    }
  }
  b.model->eval();
  torch::NoGradGuard no_grad;
  std::vector<int64_t> batch_shape{1};
  batch_shape.insert(batch_shape.end(), info.example_shape.begin(), info.example_shape.end());
  const auto out = b.model->forward(torch::zeros(batch_shape));
  if (out.dim() != 2 || out.size(1) != static_cast<int64_t>(info.labels.size())) {
    ThrowMismatch(path + ": the model gives " + std::to_string(out.size(-1)) + " outputs but the bundle has " +
                  std::to_string(info.labels.size()) + " labels");
  }
  return b;
}

}  // namespace

Bundle LoadBundle(const std::string& path) {
  if (!FileExists(path)) ThrowIo(path + ": missing: no such bundle");
  try {
    Bundle b = ReadBundle(path);
    b.path = path;
    return b;
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    // A damaged archive can fail anywhere inside LibTorch's reader (its
    // records, its pickles), with LibTorch's or the standard library's errors.
    const std::string what = FirstLine(e.what());
    ThrowBadData(path + ": damaged bundle: LibTorch cannot read it (" +
                 (what.empty() ? std::string("no reason given") : what) + "); train or copy it again");
  }
}

void SetBundleThresholds(const std::string& path, const std::map<std::string, double>& thresholds) {
  Bundle b = LoadBundle(path);
  for (const auto& [label, value] : thresholds) {
    if (std::find(b.info.labels.begin(), b.info.labels.end(), label) == b.info.labels.end()) {
      ThrowOption(path + ": cannot store a detection threshold for '" + label + "', not one of the bundle's labels");
    }
    if (!(value >= 0 && value <= 1)) {
      ThrowOption(path + ": the detection threshold for '" + label + "' should be in [0, 1]. Given: " +
                  std::to_string(value));
    }
    b.info.thresholds[label] = value;
  }
  SaveBundle(path, b.info, *b.model);
}

std::shared_ptr<const Bundle> LoadInferenceBundle(const std::string& path) {
  auto b = std::make_shared<Bundle>(LoadBundle(path));
  PrepareForInference(*b->model);
  return b;
}

}  // namespace earshot
