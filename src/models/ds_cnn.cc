// DS-CNN of "Hello Edge: Keyword Spotting on Microcontrollers" (Zhang et
// al., 2017, arXiv:1711.07128): a 10x4 (time x frequency) convolution with
// stride 2 and TF "same" padding, then depthwise-separable blocks (3x3
// depthwise + BN + ReLU, 1x1 pointwise + BN + ReLU), global average pool,
// one Dense layer. S: 64 channels, 4 blocks; M: 172, 4; L: 276, 5. Convs
// before a BatchNorm carry no bias, as in the paper's implementation. No
// dropout unless ModelOptions::dropout sets one (before the Dense layer).
#include "batch_norm_relu.h"
#include "layers.h"

namespace earshot {
namespace models {
namespace {

class DsBlockImpl : public torch::nn::Module {
 public:
  explicit DsBlockImpl(int64_t c)
      : depthwise_(register_module(
            "depthwise",
            torch::nn::Conv2d(torch::nn::Conv2dOptions(c, c, 3).padding(1).groups(c).bias(false)))),
        depthwise_norm_(register_module("depthwise_norm", BatchNormRelu2d(c))),
        pointwise_(register_module(
            "pointwise", torch::nn::Conv2d(torch::nn::Conv2dOptions(c, c, 1).bias(false)))),
        pointwise_norm_(register_module("pointwise_norm", BatchNormRelu2d(c))) {}

  torch::Tensor forward(torch::Tensor x) {
    x = depthwise_norm_(depthwise_(x));
    return pointwise_norm_(pointwise_(x));
  }

  bool FoldBatchNorms() {
    const bool depthwise = depthwise_norm_->FoldInto(*depthwise_);
    return pointwise_norm_->FoldInto(*pointwise_) || depthwise;
  }

  bool folded() const { return depthwise_norm_->folded() && pointwise_norm_->folded(); }

  void DescribeNative(NativePlan* plan) const {
    plan->layers.push_back(NativeConv2d(*depthwise_, /*relu=*/true));
    plan->layers.push_back(NativeConv2d(*pointwise_, /*relu=*/true));
  }

 private:
  torch::nn::Conv2d depthwise_;
  BatchNormRelu2d depthwise_norm_;
  torch::nn::Conv2d pointwise_;
  BatchNormRelu2d pointwise_norm_;
};
TORCH_MODULE(DsBlock);

class DsCnnImpl : public Classifier {
 public:
  DsCnnImpl(const ModelOptions& o, const Shape& shape, int num_classes) {
    const int64_t channels = o.size == "s" ? 64 : o.size == "m" ? 172 : 276;
    const int blocks = o.size == "l" ? 5 : 4;
    conv_ = register_module("conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(
                                                          shape[0], channels, {kKernel[0], kKernel[1]})
                                                          .stride(2)
                                                          .bias(false)));
    norm_ = register_module("norm", BatchNormRelu2d(channels));
    for (int i = 0; i < blocks; ++i) {
      blocks_.push_back(register_module("block" + std::to_string(i + 1), DsBlock(channels)));
    }
    dropout_ = register_module("dropout", torch::nn::Dropout(DropoutRate(o, 0.0)));
    out_ = register_module("out", torch::nn::Linear(channels, num_classes));
  }

  torch::Tensor forward(torch::Tensor x) override {
    x = norm_(conv_(TfSamePad2d(x, {kKernel[0], kKernel[1]}, {2, 2})));
    for (auto& block : blocks_) x = block(x);
    return out_(dropout_(x.mean({2, 3})));
  }

  // Its pairs are not in Sequentials.
  void FoldBatchNorms() override {
    if (norm_->FoldInto(*conv_)) folded_ = true;
    for (auto& block : blocks_) {
      if (block->FoldBatchNorms()) folded_ = true;
    }
  }

  // Every layer folded: convolutions with their ReLUs, the pool, the Dense
  // layer (dropout is nothing in eval mode).
  std::shared_ptr<const NativePlan> DescribeNative(const Shape& example_shape) const override {
    bool all_folded = !is_training() && norm_->folded();
    for (const auto& block : blocks_) all_folded = all_folded && block->folded();
    if (!all_folded || example_shape.size() != 3) return nullptr;
    auto plan = std::make_shared<NativePlan>();
    plan->input_shape = example_shape;
    const auto [top, bottom] = TfSamePadding(example_shape[1], kKernel[0], 2);
    const auto [left, right] = TfSamePadding(example_shape[2], kKernel[1], 2);
    plan->layers.push_back(NativeConv2d(*conv_, /*relu=*/true, {top, bottom, left, right}));
    for (const auto& block : blocks_) block->DescribeNative(plan.get());
    plan->layers.push_back(NativeGlobalAveragePool(out_->options.in_features()));
    plan->layers.push_back(NativeDense(*out_, /*relu=*/false));
    return plan;
  }

 private:
  // 4 frequency bins x 10 frames: the paper's 10x4 in our [F, T] order.
  static constexpr int64_t kKernel[2] = {4, 10};
  torch::nn::Conv2d conv_{nullptr};
  BatchNormRelu2d norm_{nullptr};
  std::vector<DsBlock> blocks_;
  torch::nn::Dropout dropout_{nullptr};
  torch::nn::Linear out_{nullptr};
};

}  // namespace

std::shared_ptr<Classifier> BuildDsCnn(const ModelOptions& o, const Shape& shape, int num_classes) {
  // "same" padding and a global pool: any F and T of at least 1 work.
  RequireRank("ds_cnn", shape, 3, "[channels, frequency, time]");
  return std::make_shared<DsCnnImpl>(o, shape, num_classes);
}

}  // namespace models
}  // namespace earshot
