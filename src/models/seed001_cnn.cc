// Seed 001: the spectrogram CNN with concatenated skips (TF Keras, input
// (130, 126, 1) = our [1, 130, 126]). All convs 3x3 "same" + ReLU:
//   [32, 32] -> pool = s1; [64, 64] ++ s1 -> pool = s2;
//   [128 x3] ++ s2 -> pool = s3; [256 x3] ++ s3 -> pool -> Dropout 0.3 ->
//   Flatten -> Dense 256 -> BatchNorm -> ReLU -> Dense logits,
// where ++ concatenates channels (the stage's input after its pool), so the
// stages see 1, 32, 96, 224 channels and the head 480. skip = false is the
// same network without the concatenations.
#include "layers.h"

namespace earshot {
namespace models {
namespace {

class Seed001CnnImpl : public Classifier {
 public:
  Seed001CnnImpl(const ModelOptions& o, const Shape& shape, int num_classes) : skip_(o.skip) {
    const int64_t widths[4] = {32, 64, 128, 256};
    const int convs[4] = {2, 2, 3, 3};
    int64_t in = shape[0];
    for (int s = 0; s < 4; ++s) {
      torch::nn::Sequential stage;
      int64_t c = in;
      for (int i = 0; i < convs[s]; ++i) {
        stage->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(c, widths[s], 3).padding(1)));
        stage->push_back(torch::nn::ReLU());
        c = widths[s];
      }
      stages_.push_back(register_module("stage" + std::to_string(s + 1), stage));
      // The first stage has no skip; later ones append their input.
      in = (skip_ && s > 0) ? widths[s] + in : widths[s];
    }
    pool_ = register_module("pool", torch::nn::MaxPool2d(2));
    dropout_ = register_module("dropout", torch::nn::Dropout(DropoutRate(o, 0.3)));
    dense_ = register_module(
        "dense", torch::nn::Linear(in * (shape[1] / 16) * (shape[2] / 16), 256));
    norm_ = register_module("norm", torch::nn::BatchNorm1d(KerasBatchNorm1d(256)));
    out_ = register_module("out", torch::nn::Linear(256, num_classes));
  }

  torch::Tensor forward(torch::Tensor x) override {
    for (size_t s = 0; s < stages_.size(); ++s) {
      torch::Tensor y = stages_[s]->forward(x);
      if (skip_ && s > 0) y = torch::cat({y, x}, 1);
      x = pool_(y);
    }
    x = dropout_(x).flatten(1);
    return out_(torch::relu(norm_(dense_(x))));
  }

 private:
  bool skip_;
  std::vector<torch::nn::Sequential> stages_;
  torch::nn::MaxPool2d pool_{nullptr};
  torch::nn::Dropout dropout_{nullptr};
  torch::nn::Linear dense_{nullptr}, out_{nullptr};
  torch::nn::BatchNorm1d norm_{nullptr};
};

}  // namespace

std::shared_ptr<Classifier> BuildSeed001Cnn(const ModelOptions& o, const Shape& shape,
                                            int num_classes) {
  const std::string name = "seed001_cnn";
  RequireRank(name, shape, 3, "[channels, frequency, time]");
  auto size_after = [](int64_t n) { return n / 16; };  // "same" convs, four 2x2 pools
  RequireLength(name, shape, "frequency bins", shape[1], size_after);
  RequireLength(name, shape, "frames", shape[2], size_after);
  auto model = std::make_shared<Seed001CnnImpl>(o, shape, num_classes);
  KerasInit(*model);
  return model;
}

}  // namespace models
}  // namespace earshot
