// Seed 003: the three model families of the general audio tagging recipe
// (Keras): the raw-waveform Conv1D, the MFCC Conv2D and the quick-mode
// dummies.
//
// Parameter counts, as the write-up reports Keras' trainable parameters:
// - Conv1D on raw audio, 41 classes: conv pairs 160 + 2,320 | 1,568 + 3,104 |
//   3,104 + 3,104 | 24,832 + 196,864, Dense 16,448 + 66,820 + 42,189 =
//   360,513 for any input length (the global max pool removes it).
// - Conv2D on MFCC, 41 classes: convs 1,312 + 3 x 40,992, BatchNorm
//   gamma/beta 4 x 64, Dense 64 over the flattened 32 x F/16 x T/16,
//   BatchNorm 128, Dense 2,665. The write-up computes its MFCCs at 44.1 kHz
//   (librosa's hop 512 over 2 s = 173 frames): 40 x 173 pools to 2 x 10, the
//   Dense has 640 x 64 + 64 weights and the total is 168,361. At 16 kHz
//   (63 frames, 2 x 3 after pooling) the same layers hold 139,689.
#include "batch_norm_relu.h"
#include "layers.h"

namespace earshot {
namespace models {
namespace {

// Global max over every axis but the channels, as GlobalMaxPool1D/2D.
class GlobalMaxPoolImpl : public torch::nn::Module {
 public:
  torch::Tensor forward(torch::Tensor x) { return std::get<0>(x.flatten(2).max(2)); }
};
TORCH_MODULE(GlobalMaxPool);

std::shared_ptr<Classifier> Dummy(const Shape& shape, int num_classes) {
  torch::nn::Sequential net(GlobalMaxPool(), torch::nn::Linear(shape[0], num_classes));
  auto model = std::make_shared<SequentialClassifierImpl>(net);
  KerasInit(*model);
  return model;
}

}  // namespace

std::shared_ptr<Classifier> BuildSeed003Conv1d(const ModelOptions& o, const Shape& shape,
                                               int num_classes) {
  const std::string name = "seed003_conv1d";
  RequireRank(name, shape, 2, "[channels, samples]");
  struct Stage {
    int64_t filters, kernel, pool;  // pool 0: global max pool
    double dropout;
  };
  const Stage stages[4] = {{16, 9, 16, 0.1}, {32, 3, 4, 0.1}, {32, 3, 4, 0.1}, {256, 3, 0, 0.2}};
  RequireLength(name, shape, "samples", shape[1], [&](int64_t n) {
    for (const auto& s : stages) {
      n = ConvOut(ConvOut(n, s.kernel), s.kernel);
      if (s.pool > 0) n /= s.pool;
    }
    return n;
  });

  torch::nn::Sequential net;
  int64_t channels = shape[0];
  for (const auto& s : stages) {
    for (int i = 0; i < 2; ++i) {
      net->push_back(torch::nn::Conv1d(torch::nn::Conv1dOptions(channels, s.filters, s.kernel)));
      net->push_back(torch::nn::ReLU());
      channels = s.filters;
    }
    if (s.pool > 0) {
      net->push_back(torch::nn::MaxPool1d(s.pool));
    } else {
      net->push_back(GlobalMaxPool());
    }
    net->push_back(torch::nn::Dropout(DropoutRate(o, s.dropout)));
  }
  net->push_back(torch::nn::Linear(channels, 64));
  net->push_back(torch::nn::ReLU());
  net->push_back(torch::nn::Linear(64, 1028));  // 1028, not 1024, as written
  net->push_back(torch::nn::ReLU());
  net->push_back(torch::nn::Linear(1028, num_classes));
  auto model = std::make_shared<SequentialClassifierImpl>(net);
  KerasInit(*model);
  return model;
}

std::shared_ptr<Classifier> BuildSeed003MfccCnn(const ModelOptions&, const Shape& shape,
                                                int num_classes) {
  const std::string name = "seed003_mfcc_cnn";
  RequireRank(name, shape, 3, "[channels, coefficients, frames]");
  auto size_after = [](int64_t n) { return n / 16; };  // "same" convs, four 2x2 pools
  RequireLength(name, shape, "coefficients", shape[1], size_after);
  RequireLength(name, shape, "frames", shape[2], size_after);

  torch::nn::Sequential net;
  int64_t channels = shape[0];
  for (int i = 0; i < 4; ++i) {
    // Keras Conv2D(32, (4, 10), padding="same"): an even kernel gets the
    // extra row/column of padding at the end (1 + 2 rows, 4 + 5 columns).
    net->push_back(torch::nn::ZeroPad2d(torch::nn::ZeroPad2dOptions({4, 5, 1, 2})));
    net->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, 32, {4, 10})));
    net->push_back(BatchNormRelu2d(KerasBatchNorm2d(32)));
    net->push_back(torch::nn::MaxPool2d(2));
    channels = 32;
  }
  net->push_back(torch::nn::Flatten());
  net->push_back(torch::nn::Linear(32 * size_after(shape[1]) * size_after(shape[2]), 64));
  net->push_back(torch::nn::BatchNorm1d(KerasBatchNorm1d(64)));
  net->push_back(torch::nn::ReLU());
  net->push_back(torch::nn::Linear(64, num_classes));
  auto model = std::make_shared<SequentialClassifierImpl>(net);
  KerasInit(*model);
  return model;
}

std::shared_ptr<Classifier> BuildSeed003Dummy1d(const ModelOptions&, const Shape& shape,
                                                int num_classes) {
  RequireRank("seed003_dummy_1d", shape, 2, "[channels, samples]");
  return Dummy(shape, num_classes);
}

std::shared_ptr<Classifier> BuildSeed003Dummy2d(const ModelOptions&, const Shape& shape,
                                                int num_classes) {
  RequireRank("seed003_dummy_2d", shape, 3, "[channels, frequency, time]");
  return Dummy(shape, num_classes);
}

}  // namespace models
}  // namespace earshot
