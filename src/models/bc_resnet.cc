// BC-ResNet of "Broadcasted Residual Learning for Efficient Keyword
// Spotting" (Kim et al., Interspeech 2021, arXiv:2106.04140), for log-mels
// [1, F, T] (40 mels in the paper). With width w:
//   conv 5x5, stride 2 in frequency, 16w channels, BN, ReLU
//   stage 1: 2 blocks,  8w channels, time dilation 1
//   stage 2: 2 blocks, 12w, frequency stride 2, dilation 2
//   stage 3: 4 blocks, 16w, frequency stride 2, dilation 4
//   stage 4: 4 blocks, 20w, dilation 8
//   depthwise 5x5 (no frequency padding), 1x1 to 32w, BN, ReLU, mean, Dense.
// A block computes f2 = SubSpectralNorm(depthwise 3x1 over frequency), then
// f1 = 1x1 conv (Swish(BN(depthwise 1x3 over time)) of f2 averaged over
// frequency), channel dropout, and ReLU(x + f2 + f1) with f1 broadcast over
// frequency. The first block of a stage changes channels (1x1 conv, BN,
// ReLU first) and drops the identity term.
#include "batch_norm_relu.h"
#include "layers.h"

#include "earshot/util/error.h"

namespace earshot {
namespace models {
namespace {

// BatchNorm per frequency sub-band: the S sub-bands of each channel get
// their own statistics and affine parameters. S = 1 is a plain BatchNorm.
class SubSpectralNormImpl : public torch::nn::Module {
 public:
  SubSpectralNormImpl(int64_t channels, int64_t subbands)
      : subbands_(subbands),
        norm_(register_module("norm", torch::nn::BatchNorm2d(channels * subbands))) {}

  torch::Tensor forward(torch::Tensor x) {
    const auto b = x.size(0), c = x.size(1), f = x.size(2), t = x.size(3);
    return norm_(x.reshape({b, c * subbands_, f / subbands_, t})).reshape({b, c, f, t});
  }

 private:
  int64_t subbands_;
  torch::nn::BatchNorm2d norm_;
};
TORCH_MODULE(SubSpectralNorm);

class BcResBlockImpl : public torch::nn::Module {
 public:
  BcResBlockImpl(int64_t in, int64_t out, int64_t freq_stride, int64_t dilation, int64_t subbands,
                 double dropout)
      : transition_(in != out) {
    if (transition_) {
      pre_ = register_module(
          "pre", torch::nn::Sequential(
                     torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 1).bias(false)),
                     BatchNormRelu2d(out)));
    }
    freq_ = register_module(
        "freq", torch::nn::Sequential(
                    torch::nn::Conv2d(torch::nn::Conv2dOptions(out, out, {3, 1})
                                          .stride({freq_stride, 1})
                                          .padding({1, 0})
                                          .groups(out)
                                          .bias(false)),
                    SubSpectralNorm(out, subbands)));
    time_ = register_module(
        "time", torch::nn::Sequential(
                    torch::nn::Conv2d(torch::nn::Conv2dOptions(out, out, {1, 3})
                                          .padding({0, dilation})
                                          .dilation({1, dilation})
                                          .groups(out)
                                          .bias(false)),
                    torch::nn::BatchNorm2d(out), torch::nn::SiLU(),
                    torch::nn::Conv2d(torch::nn::Conv2dOptions(out, out, 1).bias(false)),
                    torch::nn::Dropout2d(dropout)));
  }

  torch::Tensor forward(torch::Tensor x) {
    if (transition_) x = pre_->forward(x);
    torch::Tensor f2 = freq_->forward(x);
    torch::Tensor y = f2 + time_->forward(f2.mean(2, /*keepdim=*/true));
    if (!transition_) y = y + x;
    return torch::relu(y);
  }

 private:
  bool transition_;
  torch::nn::Sequential pre_{nullptr}, freq_{nullptr}, time_{nullptr};
};
TORCH_MODULE(BcResBlock);

struct Stage {
  int64_t width, blocks, freq_stride, dilation;
};
const Stage kStages[4] = {{8, 2, 1, 1}, {12, 2, 2, 2}, {16, 4, 2, 4}, {20, 4, 1, 8}};

int64_t FreqAfterStem(int64_t f) { return ConvOut(f, 5, 2, 2); }
int64_t FreqAfterStage(int64_t f, const Stage& s) { return ConvOut(f, 3, s.freq_stride, 1); }

class BcResNetImpl : public Classifier {
 public:
  BcResNetImpl(const ModelOptions& o, const Shape& shape, int num_classes) {
    const int64_t w = o.width;
    stem_ = register_module(
        "stem", torch::nn::Sequential(
                    torch::nn::Conv2d(torch::nn::Conv2dOptions(shape[0], 16 * w, 5)
                                          .stride({2, 1})
                                          .padding(2)
                                          .bias(false)),
                    BatchNormRelu2d(16 * w)));
    int64_t in = 16 * w;
    for (const auto& s : kStages) {
      for (int64_t i = 0; i < s.blocks; ++i) {
        blocks_.push_back(register_module(
            "block" + std::to_string(blocks_.size() + 1),
            BcResBlock(in, s.width * w, i == 0 ? s.freq_stride : 1, s.dilation, o.subbands,
                       DropoutRate(o, 0.1))));
        in = s.width * w;
      }
    }
    head_ = register_module(
        "head", torch::nn::Sequential(
                    torch::nn::Conv2d(
                        torch::nn::Conv2dOptions(in, in, 5).padding({0, 2}).groups(in).bias(false)),
                    torch::nn::Conv2d(torch::nn::Conv2dOptions(in, 32 * w, 1).bias(false)),
                    BatchNormRelu2d(32 * w)));
    out_ = register_module("out", torch::nn::Linear(32 * w, num_classes));
  }

  torch::Tensor forward(torch::Tensor x) override {
    x = stem_->forward(x);
    for (auto& block : blocks_) x = block(x);
    return out_(head_->forward(x).mean({2, 3}));
  }

 private:
  torch::nn::Sequential stem_{nullptr}, head_{nullptr};
  std::vector<BcResBlock> blocks_;
  torch::nn::Linear out_{nullptr};
};

}  // namespace

std::shared_ptr<Classifier> BuildBcResNet(const ModelOptions& o, const Shape& shape,
                                          int num_classes) {
  const std::string name = "bc_resnet";
  RequireRank(name, shape, 3, "[channels, mels, frames]");
  RequireLength(name, shape, "mel bands", shape[1], [](int64_t f) {
    f = FreqAfterStem(f);
    for (const auto& s : kStages) f = FreqAfterStage(f, s);
    return f - 4;  // the head's depthwise 5x5 has no frequency padding
  });
  // SubSpectralNorm splits each stage's frequency axis into equal sub-bands.
  std::string sizes;
  bool divisible = true;
  int64_t f = FreqAfterStem(shape[1]);
  for (const auto& s : kStages) {
    f = FreqAfterStage(f, s);
    sizes += (sizes.empty() ? "" : ", ") + std::to_string(f);
    divisible = divisible && f % o.subbands == 0;
  }
  if (!divisible) {
    ThrowMismatch("model 'bc_resnet' with subbands = " + std::to_string(o.subbands) +
                  " needs every stage's frequency size (" + sizes + " for input shape " +
                  ShapeText(shape) + ") divisible by it; set model option 'subbands' to a " +
                  "common divisor (1 = plain BatchNorm)");
  }
  return std::make_shared<BcResNetImpl>(o, shape, num_classes);
}

}  // namespace models
}  // namespace earshot
