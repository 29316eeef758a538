// The zoo's DS-CNN-S and BC-ResNet against PyTorch models written from the
// published descriptions: scripts/gen_golden_models.py saves every
// parameter and buffer under the zoo's names, a random input and the
// logits in eval and training mode (references in float64). Loading by
// name checks that the two architectures hold the same tensors; the
// forward passes check that they compute the same function. Each case
// prints its worst error against the tolerance of the manifest.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "earshot/models/zoo.h"
#include "earshot/util/npy.h"

namespace earshot {
namespace {

const std::string kDir = std::string(EARSHOT_FIXTURES) + "/models/";

nlohmann::json Manifest() {
  std::ifstream in(kDir + "manifest.json");
  if (!in) return nlohmann::json::object();
  return nlohmann::json::parse(in);
}

// The manifest's cases, read once (an empty list when it is missing, which
// ManifestIsPresent reports).
const nlohmann::json& Cases() {
  static const nlohmann::json cases = [] {
    const nlohmann::json m = Manifest();
    return m.contains("cases") ? m["cases"] : nlohmann::json::array();
  }();
  return cases;
}

std::string ShapeText(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

torch::Tensor ToTensor(const NpyArray& a) {
  return torch::from_blob(const_cast<float*>(a.data.data()), a.shape, torch::kFloat32).clone();
}

// Every parameter and buffer of `model` by its dotted name.
std::map<std::string, torch::Tensor> NamedTensors(torch::nn::Module& model) {
  std::map<std::string, torch::Tensor> out;
  for (const auto& p : model.named_parameters()) out[p.key()] = p.value();
  for (const auto& b : model.named_buffers()) out[b.key()] = b.value();
  return out;
}

// Copies `dir`/<name>.npy into the model's tensor of each name of `names`.
// Returns every disagreement, one a line: a name the model does not have, a
// tensor of the model the fixture lacks, a shape that differs. Empty when
// the model and the fixture hold the same tensors.
std::string LoadByName(torch::nn::Module& model, const std::string& dir,
                       const std::vector<std::string>& names) {
  std::map<std::string, torch::Tensor> mine = NamedTensors(model);
  std::string problems;
  torch::NoGradGuard no_grad;
  for (const auto& name : names) {
    const auto it = mine.find(name);
    if (it == mine.end()) {
      problems += "fixture tensor '" + name + "' is not in the model\n";
      continue;
    }
    const NpyArray a = ReadNpy(dir + name + ".npy");
    const std::vector<int64_t> want(it->second.sizes().begin(), it->second.sizes().end());
    if (a.shape != want) {
      problems += "'" + name + "': fixture shape " + ShapeText(a.shape) + ", model shape " +
                  ShapeText(want) + "\n";
    } else {
      it->second.copy_(ToTensor(a).to(it->second.scalar_type()));
    }
    mine.erase(it);
  }
  for (const auto& rest : mine) problems += "model tensor '" + rest.first + "' is not in the fixture\n";
  return problems;
}

std::vector<std::string> TensorNames(const nlohmann::json& c) {
  std::vector<std::string> names;
  for (const auto& t : c["tensors"].items()) names.push_back(t.key());
  return names;
}

std::shared_ptr<Classifier> Build(const nlohmann::json& c) {
  ModelOptions o;
  for (const auto& s : c["options"]) ApplySetting(o, s.get<std::string>());
  const std::vector<int64_t> shape = c["input_shape"];
  return BuildModel(o, {shape.begin() + 1, shape.end()}, c["classes"].get<int>());
}

// The model of case `c` with the fixture's tensors; fails the test when
// they disagree.
std::shared_ptr<Classifier> Loaded(const nlohmann::json& c) {
  auto model = Build(c);
  const std::string problems = LoadByName(*model, kDir + c["name"].get<std::string>() + "/",
                                          TensorNames(c));
  EXPECT_EQ(problems, "");
  return model;
}

torch::Tensor Input(const nlohmann::json& c) {
  return ToTensor(ReadNpy(kDir + c["name"].get<std::string>() + "/" + c["input"].get<std::string>()));
}

struct Comparison {
  double worst = 0;  // max |got - want|
  double scale = 0;  // max |want|
  bool Within(double rtol) const { return worst <= rtol * scale; }
};

Comparison Compare(const torch::Tensor& got, const NpyArray& want) {
  Comparison r;
  EXPECT_EQ(std::vector<int64_t>(got.sizes().begin(), got.sizes().end()), want.shape);
  const torch::Tensor g = got.detach().to(torch::kFloat64).contiguous().reshape({-1});
  if (g.numel() != static_cast<int64_t>(want.data.size())) {
    r.worst = INFINITY;
    return r;
  }
  const double* gp = g.data_ptr<double>();
  for (size_t i = 0; i < want.data.size(); ++i) {
    const double d = std::abs(gp[i] - want.data[i]);
    r.worst = std::isfinite(d) ? std::max(r.worst, d) : INFINITY;
    r.scale = std::max(r.scale, std::abs(static_cast<double>(want.data[i])));
  }
  return r;
}

const nlohmann::json& Output(const nlohmann::json& c, const std::string& mode) {
  for (const auto& o : c["outputs"]) {
    if (o["mode"] == mode) return o;
  }
  throw std::runtime_error(c["name"].get<std::string>() + ": no " + mode + " output");
}

// Runs case `c` in `mode` on `model` and compares the logits.
Comparison Forward(const nlohmann::json& c, Classifier& model, const std::string& mode) {
  model.train(mode == "train");
  torch::NoGradGuard no_grad;
  const torch::Tensor logits = model.forward(Input(c));
  return Compare(logits, ReadNpy(kDir + c["name"].get<std::string>() + "/" +
                                 Output(c, mode)["expected"].get<std::string>()));
}

void Print(const std::string& what, const Comparison& r, double rtol) {
  std::printf("%-34s worst %10.3g  scale %8.3g  relative %10.3g  tolerance %8.3g\n",
              what.c_str(), r.worst, r.scale, r.worst / r.scale, rtol);
}

// Runs case `c` in `mode`, prints the worst error and expects it within the
// case's tolerance.
void ExpectLogitsMatch(const nlohmann::json& c, Classifier& model, const std::string& mode) {
  const double rtol = c["tolerance"]["rtol"];
  const Comparison r = Forward(c, model, mode);
  Print(c["name"].get<std::string>() + " " + mode, r, rtol);
  EXPECT_TRUE(r.Within(rtol)) << mode << ": worst " << r.worst << " > " << rtol << " x "
                              << r.scale;
}

TEST(ModelsGolden, ManifestIsPresent) {
  const nlohmann::json m = Manifest();
  ASSERT_TRUE(m.contains("cases")) << kDir << "manifest.json: missing; run "
                                   << "scripts/gen_golden_models.py";
  std::vector<std::string> models;
  for (const auto& c : m["cases"]) models.push_back(c["options"][0]);
  EXPECT_EQ(std::count(models.begin(), models.end(), "name=ds_cnn"), 1);
  EXPECT_GE(std::count(models.begin(), models.end(), "name=bc_resnet"), 2);
}

TEST(ModelsGolden, FixtureHoldsExactlyTheModelsTensors) {
  for (const auto& c : Cases()) {
    SCOPED_TRACE(c["name"].get<std::string>());
    auto model = Loaded(c);
    EXPECT_EQ(CountParameters(*model), c["parameters"].get<int64_t>());
  }
}

TEST(ModelsGolden, EvalLogitsMatchPyTorch) {
  for (const auto& c : Cases()) {
    SCOPED_TRACE(c["name"].get<std::string>());
    auto model = Loaded(c);
    ExpectLogitsMatch(c, *model, "eval");
  }
}

// Batch statistics in training mode (the fused BatchNormRelu2d kernel in
// DS-CNN, BC-ResNet's stem, transitions and head), and the running
// statistics that one batch leaves (momentum 0.1, unbiased variance).
TEST(ModelsGolden, TrainingModeLogitsAndRunningStatisticsMatchPyTorch) {
  for (const auto& c : Cases()) {
    const std::string name = c["name"];
    SCOPED_TRACE(name);
    auto model = Loaded(c);
    ExpectLogitsMatch(c, *model, "train");
    const double rtol = c["tolerance"]["rtol"];

    const std::string dir = kDir + name + "/";
    const auto mine = NamedTensors(*model);
    double worst_relative = 0;  // over the running means and variances
    const auto& after = c["running_after_train"];
    ASSERT_GT(after["names"].size(), 0u);
    for (const auto& n : after["names"]) {
      const std::string key = n;
      const Comparison one = Compare(
          mine.at(key), ReadNpy(dir + after["directory"].get<std::string>() + "/" + key + ".npy"));
      EXPECT_TRUE(one.Within(rtol)) << key << ": worst " << one.worst << ", scale " << one.scale;
      worst_relative = std::max(worst_relative, one.worst / one.scale);
      // One batch tracked on top of the fixture's count.
      const std::string count = key.substr(0, key.rfind('.')) + ".num_batches_tracked";
      EXPECT_EQ(mine.at(count).item<int64_t>(),
                static_cast<int64_t>(ReadNpy(dir + count + ".npy").data.at(0)) + 1)
          << count;
    }
    std::printf("%-34s worst relative %10.3g  tolerance %8.3g\n",
                (name + " running statistics").c_str(), worst_relative, rtol);
  }
}

// The comparison is sensitive: scaling one convolution in the middle of
// each model by 1% moves the eval logits far beyond the tolerance.
TEST(ModelsGolden, OnePercentChangeOfOneLayerIsDetected) {
  for (const auto& c : Cases()) {
    const std::string name = c["name"];
    SCOPED_TRACE(name);
    auto model = Loaded(c);
    std::vector<std::string> convs;
    for (const auto& p : model->named_parameters()) {
      if (p.value().dim() == 4) convs.push_back(p.key());
    }
    ASSERT_GE(convs.size(), 3u);
    const std::string layer = convs[convs.size() / 2];
    {
      torch::NoGradGuard no_grad;
      model->named_parameters()[layer].mul_(1.01);
    }
    const double rtol = c["tolerance"]["rtol"];
    const Comparison r = Forward(c, *model, "eval");
    Print(name + " with " + layer + " x 1.01", r, rtol);
    EXPECT_GT(r.worst, 10 * rtol * r.scale) << layer;
  }
}

// Loading reports every disagreement by name: a tensor the fixture lacks,
// one the model lacks, and a shape that differs (BC-ResNet-1's tensors into
// a BC-ResNet-3).
TEST(ModelsGolden, LoadingNamesEveryDisagreement) {
  nlohmann::json one, three;
  for (const auto& c : Cases()) {
    if (c["name"] == "bc_resnet_1") one = c;
    if (c["name"] == "bc_resnet_3") three = c;
  }
  ASSERT_FALSE(one.is_null());
  ASSERT_FALSE(three.is_null());

  std::vector<std::string> names = TensorNames(one);
  names.erase(std::find(names.begin(), names.end(), "block3.freq.1.norm.running_var"));
  names.push_back("block3.freq.1.running_var");  // a SubSpectralNorm without its BatchNorm
  auto model = Build(one);
  const std::string dir = kDir + "bc_resnet_1/";
  const std::string problems = LoadByName(*model, dir, names);
  EXPECT_EQ(problems,
            "fixture tensor 'block3.freq.1.running_var' is not in the model\n"
            "model tensor 'block3.freq.1.norm.running_var' is not in the fixture\n");

  auto wide = Build(three);
  const std::string wrong = LoadByName(*wide, dir, TensorNames(one));
  EXPECT_NE(wrong.find("'stem.0.weight': fixture shape [16, 1, 5, 5], model shape [48, 1, 5, 5]"),
            std::string::npos)
      << wrong;
}

}  // namespace
}  // namespace earshot
