#include "layers.h"

#include <cmath>

#include "earshot/util/error.h"

namespace earshot {
namespace models {

std::string ShapeText(const Shape& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

void RequireRank(const std::string& model, const Shape& shape, size_t rank, const char* layout) {
  if (shape.size() != rank) {
    ThrowMismatch("model '" + model + "' takes examples of shape " + layout + ". Given: " +
                  ShapeText(shape));
  }
}

void RequireLength(const std::string& model, const Shape& shape, const char* axis, int64_t length,
                   const std::function<int64_t(int64_t)>& out_size) {
  if (out_size(length) >= 1) return;
  // Output length grows with input length: double, then bisect.
  int64_t hi = std::max<int64_t>(length, 1);
  while (out_size(hi) < 1) hi *= 2;
  int64_t lo = length;
  while (hi - lo > 1) {
    const int64_t mid = lo + (hi - lo) / 2;
    (out_size(mid) >= 1 ? hi : lo) = mid;
  }
  ThrowMismatch("model '" + model + "' needs at least " + std::to_string(hi) + " " + axis +
                " for its pooling. Given: " + std::to_string(length) + " in input shape " +
                ShapeText(shape));
}

torch::nn::BatchNorm1dOptions KerasBatchNorm1d(int64_t features) {
  return torch::nn::BatchNorm1dOptions(features).momentum(0.01).eps(1e-3);
}

torch::nn::BatchNorm2dOptions KerasBatchNorm2d(int64_t channels) {
  return torch::nn::BatchNorm2dOptions(channels).momentum(0.01).eps(1e-3);
}

void KerasInit(torch::nn::Module& module) {
  torch::NoGradGuard no_grad;
  for (auto& m : module.modules(/*include_self=*/true)) {
    const bool dense = m->as<torch::nn::LinearImpl>() || m->as<torch::nn::Conv1dImpl>() ||
                       m->as<torch::nn::Conv2dImpl>();
    if (!dense) continue;
    for (auto& p : m->named_parameters(/*recurse=*/false)) {
      if (p.key() == "weight") torch::nn::init::xavier_uniform_(p.value());
      if (p.key() == "bias") p.value().zero_();
    }
  }
}

void HeNormalInit(torch::Tensor weight) {
  torch::NoGradGuard no_grad;
  const int64_t fan_in = weight.numel() / weight.size(0);
  // 0.8796 is the std of a unit normal truncated at +-2; dividing by it
  // gives the truncated draw the intended std, as TF 2's VarianceScaling.
  const double std = std::sqrt(2.0 / fan_in) / 0.87962566103423978;
  // Inverse-CDF sampling of the truncated normal.
  const double cdf_lo = 0.5 * (1.0 + std::erf(-2.0 / std::sqrt(2.0)));
  const double cdf_hi = 0.5 * (1.0 + std::erf(2.0 / std::sqrt(2.0)));
  weight.uniform_(2 * cdf_lo - 1, 2 * cdf_hi - 1);
  weight.erfinv_();
  weight.mul_(std * std::sqrt(2.0));
  weight.clamp_(-2 * std, 2 * std);
}

torch::Tensor TfSamePad2d(const torch::Tensor& x, const std::vector<int64_t>& kernel,
                          const std::vector<int64_t>& stride) {
  std::vector<int64_t> pad(4);  // F::pad order: last dim first (left, right, top, bottom)
  for (int axis = 0; axis < 2; ++axis) {
    const int64_t n = x.size(x.dim() - 2 + axis);
    const int64_t out = (n + stride[axis] - 1) / stride[axis];
    const int64_t total = std::max<int64_t>((out - 1) * stride[axis] + kernel[axis] - n, 0);
    const int slot = axis == 0 ? 2 : 0;
    pad[slot] = total / 2;
    pad[slot + 1] = total - total / 2;
  }
  return torch::nn::functional::pad(x, torch::nn::functional::PadFuncOptions(pad));
}

SequentialClassifierImpl::SequentialClassifierImpl(torch::nn::Sequential net)
    : net_(register_module("net", net)) {}

torch::Tensor SequentialClassifierImpl::forward(torch::Tensor x) { return net_->forward(x); }

}  // namespace models
}  // namespace earshot
