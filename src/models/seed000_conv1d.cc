// Seed 000: the raw-waveform Conv1D of the 10-command recipe (Keras, input
// (8000, 1) = our [1, 8000]): 4 x [Conv1D valid + ReLU, MaxPool1D(3),
// Dropout 0.2] with (filters, kernel) = (8,13) (16,11) (32,9) (64,7), then
// Flatten, Dense 256 and 128 with ReLU and Dropout 0.2, Dense logits.
#include "layers.h"

namespace earshot {
namespace models {

std::shared_ptr<Classifier> BuildSeed000Conv1d(const ModelOptions& o, const Shape& shape,
                                               int num_classes) {
  const std::string name = "seed000_conv1d";
  RequireRank(name, shape, 2, "[channels, samples]");
  const int64_t stages[4][2] = {{8, 13}, {16, 11}, {32, 9}, {64, 7}};
  auto length_after = [&](int64_t n) {
    for (const auto& s : stages) n = ConvOut(n, s[1]) / 3;
    return n;
  };
  RequireLength(name, shape, "samples", shape[1], length_after);

  const double p = DropoutRate(o, 0.2);
  torch::nn::Sequential net;
  int64_t channels = shape[0];
  for (const auto& s : stages) {
    net->push_back(torch::nn::Conv1d(torch::nn::Conv1dOptions(channels, s[0], s[1])));
    net->push_back(torch::nn::ReLU());
    net->push_back(torch::nn::MaxPool1d(3));
    net->push_back(torch::nn::Dropout(p));
    channels = s[0];
  }
  net->push_back(torch::nn::Flatten());
  net->push_back(torch::nn::Linear(channels * length_after(shape[1]), 256));
  net->push_back(torch::nn::ReLU());
  net->push_back(torch::nn::Dropout(p));
  net->push_back(torch::nn::Linear(256, 128));
  net->push_back(torch::nn::ReLU());
  net->push_back(torch::nn::Dropout(p));
  net->push_back(torch::nn::Linear(128, num_classes));
  auto model = std::make_shared<SequentialClassifierImpl>(net);
  KerasInit(*model);
  return model;
}

}  // namespace models
}  // namespace earshot
