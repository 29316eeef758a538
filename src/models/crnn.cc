// A convolutional recurrent network for features [C, F, T]: three blocks of
// 3x3 conv + BN + ReLU + max-pool (2x2, 2x2, then frequency only) with 32,
// 64, 64 channels, the channels x remaining frequencies of each frame fed to
// a bidirectional GRU, its outputs averaged over time, dropout (0.3), Dense.
// Pooling time only twice keeps a frame every 40 ms at a 10 ms hop for the
// GRU.
#include "batch_norm_relu.h"
#include "layers.h"

namespace earshot {
namespace models {
namespace {

struct ConvStage {
  int64_t channels, time_pool;
};
const ConvStage kConvStages[3] = {{32, 2}, {64, 2}, {64, 1}};

int64_t FreqAfter(int64_t f) { return f / 8; }
int64_t TimeAfter(int64_t t) {
  for (const auto& s : kConvStages) t /= s.time_pool;
  return t;
}

class CrnnImpl : public Classifier {
 public:
  CrnnImpl(const ModelOptions& o, const Shape& shape, int num_classes) {
    int64_t in = shape[0];
    for (const auto& s : kConvStages) {
      convs_->push_back(torch::nn::Conv2d(
          torch::nn::Conv2dOptions(in, s.channels, 3).padding(1).bias(false)));
      convs_->push_back(BatchNormRelu2d(s.channels));
      convs_->push_back(torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions({2, s.time_pool})));
      in = s.channels;
    }
    register_module("convs", convs_);
    gru_ = register_module(
        "gru", torch::nn::GRU(torch::nn::GRUOptions(in * FreqAfter(shape[1]), o.rnn_hidden)
                                  .batch_first(true)
                                  .bidirectional(true)));
    dropout_ = register_module("dropout", torch::nn::Dropout(DropoutRate(o, 0.3)));
    out_ = register_module("out", torch::nn::Linear(2 * o.rnn_hidden, num_classes));
  }

  torch::Tensor forward(torch::Tensor x) override {
    x = convs_->forward(x);                       // [B, C, F', T']
    x = x.permute({0, 3, 1, 2}).flatten(2);       // [B, T', C*F']
    x = std::get<0>(gru_->forward(x)).mean(1);    // [B, 2 * hidden]
    return out_(dropout_(x));
  }

 private:
  torch::nn::Sequential convs_;
  torch::nn::GRU gru_{nullptr};
  torch::nn::Dropout dropout_{nullptr};
  torch::nn::Linear out_{nullptr};
};

}  // namespace

std::shared_ptr<Classifier> BuildCrnn(const ModelOptions& o, const Shape& shape, int num_classes) {
  const std::string name = "crnn";
  RequireRank(name, shape, 3, "[channels, frequency, time]");
  RequireLength(name, shape, "frequency bins", shape[1], FreqAfter);
  RequireLength(name, shape, "frames", shape[2], TimeAfter);
  return std::make_shared<CrnnImpl>(o, shape, num_classes);
}

}  // namespace models
}  // namespace earshot
