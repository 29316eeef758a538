// MatchboxNet of "MatchboxNet: 1D Time-Channel Separable Convolutional
// Neural Network Architecture for Speech Commands Recognition" (Majumdar and
// Ginsburg, Interspeech 2020, arXiv:2004.08531). The input [C, F, T] is read
// as C*F channels over T frames (64 MFCCs in the paper). BxRxC:
//   prologue: separable conv k 11, 128 channels
//   B blocks of R sub-blocks, C channels, kernels 13, 15, 17, ...: each
//     sub-block is depthwise k over time + pointwise + BN + ReLU + dropout;
//     the block's input, through 1x1 conv + BN, is added before the last ReLU
//   epilogue: separable k 29 dilation 2, 128; 1x1, 128; 1x1 to the classes
//   and an average over time.
// Convs before a BatchNorm carry no bias.
#include "layers.h"

namespace earshot {
namespace models {
namespace {

// Depthwise conv over time, pointwise conv across channels, BatchNorm.
class SeparableConvImpl : public torch::nn::Module {
 public:
  SeparableConvImpl(int64_t in, int64_t out, int64_t kernel, int64_t dilation = 1)
      : depthwise_(register_module(
            "depthwise", torch::nn::Conv1d(torch::nn::Conv1dOptions(in, in, kernel)
                                               .padding(dilation * (kernel - 1) / 2)
                                               .dilation(dilation)
                                               .groups(in)
                                               .bias(false)))),
        pointwise_(register_module(
            "pointwise", torch::nn::Conv1d(torch::nn::Conv1dOptions(in, out, 1).bias(false)))),
        norm_(register_module("norm", torch::nn::BatchNorm1d(out))) {}

  torch::Tensor forward(torch::Tensor x) { return norm_(pointwise_(depthwise_(x))); }

 private:
  torch::nn::Conv1d depthwise_, pointwise_;
  torch::nn::BatchNorm1d norm_;
};
TORCH_MODULE(SeparableConv);

class MatchboxBlockImpl : public torch::nn::Module {
 public:
  MatchboxBlockImpl(int64_t in, int64_t out, int64_t kernel, int repeats, double dropout)
      : residual_(register_module(
            "residual",
            torch::nn::Sequential(torch::nn::Conv1d(torch::nn::Conv1dOptions(in, out, 1).bias(false)),
                                  torch::nn::BatchNorm1d(out)))),
        dropout_(register_module("dropout", torch::nn::Dropout(dropout))) {
    for (int i = 0; i < repeats; ++i) {
      subs_.push_back(register_module("sub" + std::to_string(i + 1),
                                      SeparableConv(i == 0 ? in : out, out, kernel)));
    }
  }

  torch::Tensor forward(torch::Tensor x) {
    torch::Tensor r = residual_->forward(x);
    for (size_t i = 0; i < subs_.size(); ++i) {
      x = subs_[i](x);
      if (i + 1 == subs_.size()) x = x + r;
      x = dropout_(torch::relu(x));
    }
    return x;
  }

 private:
  torch::nn::Sequential residual_;
  torch::nn::Dropout dropout_;
  std::vector<SeparableConv> subs_;
};
TORCH_MODULE(MatchboxBlock);

class MatchboxNetImpl : public Classifier {
 public:
  MatchboxNetImpl(const ModelOptions& o, const Shape& shape, int num_classes)
      : dropout_(register_module("dropout", torch::nn::Dropout(DropoutRate(o, 0.0)))) {
    const double p = DropoutRate(o, 0.0);
    prologue_ = register_module("prologue", SeparableConv(shape[0] * shape[1], 128, 11));
    int64_t in = 128;
    for (int b = 0; b < o.matchbox_blocks; ++b) {
      blocks_.push_back(register_module(
          "block" + std::to_string(b + 1),
          MatchboxBlock(in, o.matchbox_channels, 13 + 2 * b, o.matchbox_repeats, p)));
      in = o.matchbox_channels;
    }
    epilogue1_ = register_module("epilogue1", SeparableConv(in, 128, 29, 2));
    epilogue2_ = register_module(
        "epilogue2",
        torch::nn::Sequential(torch::nn::Conv1d(torch::nn::Conv1dOptions(128, 128, 1).bias(false)),
                              torch::nn::BatchNorm1d(128)));
    out_ = register_module("out", torch::nn::Conv1d(torch::nn::Conv1dOptions(128, num_classes, 1)));
  }

  torch::Tensor forward(torch::Tensor x) override {
    x = x.flatten(1, -2);  // [B, C, F, T] -> [B, C*F, T]
    x = dropout_(torch::relu(prologue_(x)));
    for (auto& block : blocks_) x = block(x);
    x = dropout_(torch::relu(epilogue1_(x)));
    x = dropout_(torch::relu(epilogue2_->forward(x)));
    return out_(x).mean(2);
  }

 private:
  torch::nn::Dropout dropout_;
  SeparableConv prologue_{nullptr}, epilogue1_{nullptr};
  std::vector<MatchboxBlock> blocks_;
  torch::nn::Sequential epilogue2_{nullptr};
  torch::nn::Conv1d out_{nullptr};
};

}  // namespace

std::shared_ptr<Classifier> BuildMatchboxNet(const ModelOptions& o, const Shape& shape,
                                             int num_classes) {
  // "Same" padding and an average over time: any number of frames works.
  RequireRank("matchboxnet", shape, 3, "[channels, features, frames]");
  return std::make_shared<MatchboxNetImpl>(o, shape, num_classes);
}

}  // namespace models
}  // namespace earshot
