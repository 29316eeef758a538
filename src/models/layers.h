// Pieces the model families share: shape arithmetic with clear errors,
// Keras-compatible initialisation and BatchNorm settings, TF "same" padding
// for strided convolutions, and a Classifier around a Sequential.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "earshot/models/native_plan.h"
#include "earshot/models/zoo.h"

namespace earshot {
namespace models {

using Shape = std::vector<int64_t>;

// Output length of a convolution or pooling window (floor, as both Keras
// "valid" and torch compute it); <= 0 when the input is too short.
inline int64_t ConvOut(int64_t n, int64_t kernel, int64_t stride = 1, int64_t pad = 0,
                       int64_t dilation = 1) {
  const int64_t span = dilation * (kernel - 1) + 1;
  return n + 2 * pad < span ? 0 : (n + 2 * pad - span) / stride + 1;
}

std::string ShapeText(const Shape& shape);

// Throws unless `shape` has `rank` dimensions; `layout` says what they mean.
void RequireRank(const std::string& model, const Shape& shape, size_t rank, const char* layout);

// `out_size` maps an input length along one axis to the model's output
// length along it. Throws, naming the smallest input length that works,
// when `length` gives less than 1.
void RequireLength(const std::string& model, const Shape& shape, const char* axis, int64_t length,
                   const std::function<int64_t(int64_t)>& out_size);

// The dropout rate: the recipe's unless ModelOptions::dropout overrides it.
inline double DropoutRate(const ModelOptions& o, double recipe) {
  return o.dropout < 0 ? recipe : o.dropout;
}

// Keras BatchNormalization: moving = 0.99 * moving + 0.01 * batch, eps 1e-3.
torch::nn::BatchNorm1dOptions KerasBatchNorm1d(int64_t features);
torch::nn::BatchNorm2dOptions KerasBatchNorm2d(int64_t channels);

// Keras defaults: Glorot-uniform kernels of every Conv/Linear, zero biases.
void KerasInit(torch::nn::Module& module);
// Keras "he_normal" (TF 2): normal with std sqrt(2 / fan_in) / 0.8796,
// truncated at two standard deviations; bias zero.
void HeNormalInit(torch::Tensor weight);

// TF "SAME" padding for a strided 2-D window: output ceil(n / stride), the
// odd pixel padded at the end, as tf.nn.conv2d does.
torch::Tensor TfSamePad2d(const torch::Tensor& x, const std::vector<int64_t>& kernel,
                          const std::vector<int64_t>& stride);
// The zeros TfSamePad2d adds before and after an axis of length n.
std::pair<int64_t, int64_t> TfSamePadding(int64_t n, int64_t kernel, int64_t stride);

// Layers of a NativePlan (models/native_plan.h) from a model's modules, the
// weights copied into the plan's layouts. NativeConv2d adds the module's
// own padding to the given zeros; a module padding other than numbers
// ("same", "valid") or another padding mode than zeros is an Error.
struct Padding2d {
  int64_t top = 0, bottom = 0, left = 0, right = 0;
};
NativeLayer NativeConv2d(const torch::nn::Conv2dImpl& conv, bool relu, const Padding2d& extra = {});
NativeLayer NativeDense(const torch::nn::LinearImpl& linear, bool relu);
NativeLayer NativeGlobalAveragePool(int64_t channels);

// A Classifier whose whole forward is one Sequential.
class SequentialClassifierImpl : public Classifier {
 public:
  explicit SequentialClassifierImpl(torch::nn::Sequential net);
  torch::Tensor forward(torch::Tensor x) override;

 private:
  torch::nn::Sequential net_;
};

// One builder per model family; each checks the shape it is given.
using Builder = std::shared_ptr<Classifier> (*)(const ModelOptions&, const Shape&, int);
std::shared_ptr<Classifier> BuildSeed000Conv1d(const ModelOptions& o, const Shape& s, int k);
std::shared_ptr<Classifier> BuildSeed001Cnn(const ModelOptions& o, const Shape& s, int k);
std::shared_ptr<Classifier> BuildSeed002ResMish(const ModelOptions& o, const Shape& s, int k);
std::shared_ptr<Classifier> BuildSeed003Conv1d(const ModelOptions& o, const Shape& s, int k);
std::shared_ptr<Classifier> BuildSeed003MfccCnn(const ModelOptions& o, const Shape& s, int k);
std::shared_ptr<Classifier> BuildSeed003Dummy1d(const ModelOptions& o, const Shape& s, int k);
std::shared_ptr<Classifier> BuildSeed003Dummy2d(const ModelOptions& o, const Shape& s, int k);
std::shared_ptr<Classifier> BuildSeed004Cnn(const ModelOptions& o, const Shape& s, int k);
std::shared_ptr<Classifier> BuildDsCnn(const ModelOptions& o, const Shape& s, int k);
std::shared_ptr<Classifier> BuildBcResNet(const ModelOptions& o, const Shape& s, int k);
std::shared_ptr<Classifier> BuildMatchboxNet(const ModelOptions& o, const Shape& s, int k);
std::shared_ptr<Classifier> BuildCrnn(const ModelOptions& o, const Shape& s, int k);

}  // namespace models
}  // namespace earshot
