// Seed 002: the residual Mish CNN for mixture proportions (Keras, input
// (64 mels, T, 4 resolutions) = our [4, 64, T]; 1 s at hop 160 gives T 101).
// Convs are "same" with bias, Mish(x) = x tanh(softplus(x)), pools are 2x2
// averages, dropout 0.5 throughout. As in the write-up:
// - three plain stages of c = 32, 64, 128:
//     conv3x3-BN = r, Mish, conv3x3-BN, Mish, conv3x3-BN, + r, Mish, pool, dropout
// - two bottleneck stages of (mid, out) = (64, 256), (128, 512), three blocks
//   1x1 mid -> 3x3 mid -> 1x1 out -> BN each, with no activation inside a
//   block (the write-up stacks them linearly); the first block's output is
//   r, added after the third; Mish between blocks, then pool, dropout
// - Flatten, Dense 128-BN = r, Mish, dropout, Dense 128-BN, + r, Mish,
//   dropout, Dense logits.
// Kernels are he-normal as in the write-up, the output Dense keeps Keras'
// Glorot default.
#include "layers.h"

namespace earshot {
namespace models {
namespace {

torch::nn::Conv2d Conv(int64_t in, int64_t out, int64_t kernel) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kernel).padding(kernel / 2));
}

// conv3x3-BN x3 with the first output added to the last.
class ResStageImpl : public torch::nn::Module {
 public:
  ResStageImpl(int64_t in, int64_t c) {
    for (int i = 0; i < 3; ++i) {
      const std::string n = std::to_string(i + 1);
      convs_.push_back(register_module("conv" + n, Conv(i == 0 ? in : c, c, 3)));
      norms_.push_back(
          register_module("norm" + n, torch::nn::BatchNorm2d(KerasBatchNorm2d(c))));
    }
  }

  torch::Tensor forward(torch::Tensor x) {
    torch::Tensor r;
    for (size_t i = 0; i < 3; ++i) {
      x = norms_[i](convs_[i](x));
      if (i == 0) r = x;
      if (i == 2) x = x + r;
      x = torch::mish(x);
    }
    return x;
  }

 private:
  std::vector<torch::nn::Conv2d> convs_;
  std::vector<torch::nn::BatchNorm2d> norms_;
};
TORCH_MODULE(ResStage);

// Three [1x1 mid, 3x3 mid, 1x1 out, BN] blocks with the first output added
// to the last.
class BottleneckStageImpl : public torch::nn::Module {
 public:
  BottleneckStageImpl(int64_t in, int64_t mid, int64_t out) {
    for (int i = 0; i < 3; ++i) {
      blocks_.push_back(register_module(
          "block" + std::to_string(i + 1),
          torch::nn::Sequential(Conv(i == 0 ? in : out, mid, 1), Conv(mid, mid, 3),
                                Conv(mid, out, 1), torch::nn::BatchNorm2d(KerasBatchNorm2d(out)))));
    }
  }

  torch::Tensor forward(torch::Tensor x) {
    torch::Tensor r;
    for (size_t i = 0; i < 3; ++i) {
      x = blocks_[i]->forward(x);
      if (i == 0) r = x;
      if (i == 2) x = x + r;
      x = torch::mish(x);
    }
    return x;
  }

 private:
  std::vector<torch::nn::Sequential> blocks_;
};
TORCH_MODULE(BottleneckStage);

class Seed002ResMishImpl : public Classifier {
 public:
  Seed002ResMishImpl(const ModelOptions& o, const Shape& shape, int num_classes) {
    const int64_t widths[3] = {32, 64, 128};
    int64_t in = shape[0];
    for (int i = 0; i < 3; ++i) {
      res_.push_back(register_module("res" + std::to_string(i + 1), ResStage(in, widths[i])));
      in = widths[i];
    }
    bottlenecks_.push_back(register_module("bottleneck1", BottleneckStage(128, 64, 256)));
    bottlenecks_.push_back(register_module("bottleneck2", BottleneckStage(256, 128, 512)));
    pool_ = register_module("pool", torch::nn::AvgPool2d(2));
    dropout_ = register_module("dropout", torch::nn::Dropout(DropoutRate(o, 0.5)));
    dense1_ = register_module(
        "dense1", torch::nn::Linear(512 * (shape[1] / 32) * (shape[2] / 32), 128));
    norm1_ = register_module("norm1", torch::nn::BatchNorm1d(KerasBatchNorm1d(128)));
    dense2_ = register_module("dense2", torch::nn::Linear(128, 128));
    norm2_ = register_module("norm2", torch::nn::BatchNorm1d(KerasBatchNorm1d(128)));
    out_ = register_module("out", torch::nn::Linear(128, num_classes));
  }

  // Keras defaults (zero biases, Glorot output layer), then he-normal
  // kernels for every conv and the two hidden Dense layers.
  void Initialise() {
    KerasInit(*this);
    for (auto& m : modules()) {
      if (auto* conv = m->as<torch::nn::Conv2dImpl>()) HeNormalInit(conv->weight);
    }
    HeNormalInit(dense1_->weight);
    HeNormalInit(dense2_->weight);
  }

  torch::Tensor forward(torch::Tensor x) override {
    for (auto& stage : res_) x = dropout_(pool_(stage(x)));
    for (auto& stage : bottlenecks_) x = dropout_(pool_(stage(x)));
    x = x.flatten(1);
    torch::Tensor r = norm1_(dense1_(x));
    x = dropout_(torch::mish(r));
    x = dropout_(torch::mish(norm2_(dense2_(x)) + r));
    return out_(x);
  }

 private:
  std::vector<ResStage> res_;
  std::vector<BottleneckStage> bottlenecks_;
  torch::nn::AvgPool2d pool_{nullptr};
  torch::nn::Dropout dropout_{nullptr};
  torch::nn::Linear dense1_{nullptr}, dense2_{nullptr}, out_{nullptr};
  torch::nn::BatchNorm1d norm1_{nullptr}, norm2_{nullptr};
};

}  // namespace

std::shared_ptr<Classifier> BuildSeed002ResMish(const ModelOptions& o, const Shape& shape,
                                                int num_classes) {
  const std::string name = "seed002_resmish";
  RequireRank(name, shape, 3, "[channels, mels, frames]");
  auto size_after = [](int64_t n) { return n / 32; };  // five 2x2 average pools
  RequireLength(name, shape, "mel bands", shape[1], size_after);
  RequireLength(name, shape, "frames", shape[2], size_after);
  auto model = std::make_shared<Seed002ResMishImpl>(o, shape, num_classes);
  model->Initialise();
  return model;
}

}  // namespace models
}  // namespace earshot
