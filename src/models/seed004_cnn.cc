// Seed 004: the log-spectrogram CNN (R Keras, input (98 frames, 257 bins, 1)
// = our [1, 257, 98]; only the sizes of the axes matter, and the layers treat
// both axes alike). 4 x [Conv2D 3x3 valid + ReLU, MaxPool 2x2] with 32, 64,
// 128, 256 filters, Dropout 0.25, Flatten, Dense 128 + ReLU, Dropout 0.5,
// Dense logits.
#include "layers.h"

namespace earshot {
namespace models {

std::shared_ptr<Classifier> BuildSeed004Cnn(const ModelOptions& o, const Shape& shape,
                                            int num_classes) {
  const std::string name = "seed004_cnn";
  RequireRank(name, shape, 3, "[channels, frequency, time]");
  const int64_t filters[4] = {32, 64, 128, 256};
  auto size_after = [](int64_t n) {
    for (int i = 0; i < 4; ++i) n = ConvOut(n, 3) / 2;
    return n;
  };
  RequireLength(name, shape, "frequency bins", shape[1], size_after);
  RequireLength(name, shape, "frames", shape[2], size_after);

  torch::nn::Sequential net;
  int64_t channels = shape[0];
  for (int64_t c : filters) {
    net->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, c, 3)));
    net->push_back(torch::nn::ReLU());
    net->push_back(torch::nn::MaxPool2d(2));
    channels = c;
  }
  net->push_back(torch::nn::Dropout(DropoutRate(o, 0.25)));
  net->push_back(torch::nn::Flatten());
  net->push_back(
      torch::nn::Linear(channels * size_after(shape[1]) * size_after(shape[2]), 128));
  net->push_back(torch::nn::ReLU());
  net->push_back(torch::nn::Dropout(DropoutRate(o, 0.5)));
  net->push_back(torch::nn::Linear(128, num_classes));
  auto model = std::make_shared<SequentialClassifierImpl>(net);
  KerasInit(*model);
  return model;
}

}  // namespace models
}  // namespace earshot
