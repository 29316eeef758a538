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

std::pair<int64_t, int64_t> TfSamePadding(int64_t n, int64_t kernel, int64_t stride) {
  const int64_t out = (n + stride - 1) / stride;
  const int64_t total = std::max<int64_t>((out - 1) * stride + kernel - n, 0);
  return {total / 2, total - total / 2};
}

torch::Tensor TfSamePad2d(const torch::Tensor& x, const std::vector<int64_t>& kernel,
                          const std::vector<int64_t>& stride) {
  std::vector<int64_t> pad(4);  // F::pad order: last dim first (left, right, top, bottom)
  for (int axis = 0; axis < 2; ++axis) {
    const auto [before, after] = TfSamePadding(x.size(x.dim() - 2 + axis), kernel[axis], stride[axis]);
    const int slot = axis == 0 ? 2 : 0;
    pad[slot] = before;
    pad[slot + 1] = after;
  }
  return torch::nn::functional::pad(x, torch::nn::functional::PadFuncOptions(pad));
}

namespace {

std::vector<float> FloatValues(const torch::Tensor& t) {
  const torch::Tensor c = t.detach().to(torch::kFloat32).contiguous();
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

}  // namespace

NativeLayer NativeConv2d(const torch::nn::Conv2dImpl& conv, bool relu, const Padding2d& extra) {
  const auto& o = conv.options;
  const auto* pad = c10::get_if<torch::ExpandingArray<2>>(&o.padding());
  if (!pad || !c10::holds_alternative<torch::enumtype::kZeros>(o.padding_mode()) || o.transposed()) {
    throw Error(ErrorKind::kInternal, "a native plan takes a Conv2d with numeric zero padding only");
  }
  NativeLayer l;
  l.kind = NativeLayer::Kind::kConv2d;
  l.in_channels = o.in_channels();
  l.out_channels = o.out_channels();
  l.groups = o.groups();
  l.kernel_h = (*o.kernel_size())[0];
  l.kernel_w = (*o.kernel_size())[1];
  l.stride_h = (*o.stride())[0];
  l.stride_w = (*o.stride())[1];
  l.dilation_h = (*o.dilation())[0];
  l.dilation_w = (*o.dilation())[1];
  l.pad_top = (**pad)[0] + extra.top;
  l.pad_bottom = (**pad)[0] + extra.bottom;
  l.pad_left = (**pad)[1] + extra.left;
  l.pad_right = (**pad)[1] + extra.right;
  l.relu = relu;
  // torch: [out][in / groups][kh][kw]; the plan: channels last.
  l.weights = FloatValues(conv.weight.permute({0, 2, 3, 1}));
  l.bias = conv.bias.defined() ? FloatValues(conv.bias) : std::vector<float>(static_cast<size_t>(l.out_channels));
  return l;
}

NativeLayer NativeDense(const torch::nn::LinearImpl& linear, bool relu) {
  NativeLayer l;
  l.kind = NativeLayer::Kind::kDense;
  l.in_channels = linear.options.in_features();
  l.out_channels = linear.options.out_features();
  l.relu = relu;
  l.weights = FloatValues(linear.weight);
  l.bias = linear.bias.defined() ? FloatValues(linear.bias) : std::vector<float>(static_cast<size_t>(l.out_channels));
  return l;
}

NativeLayer NativeGlobalAveragePool(int64_t channels) {
  NativeLayer l;
  l.kind = NativeLayer::Kind::kGlobalAveragePool;
  l.in_channels = l.out_channels = channels;
  return l;
}

SequentialClassifierImpl::SequentialClassifierImpl(torch::nn::Sequential net)
    : net_(register_module("net", net)) {}

torch::Tensor SequentialClassifierImpl::forward(torch::Tensor x) { return net_->forward(x); }

}  // namespace models
}  // namespace earshot
