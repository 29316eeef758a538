// Batch norms with statistics and affine parameters away from the
// identity, so that a wrong fold or a wrong weight layout shows: the
// models and native-plan tests share it.
#pragma once

#include <torch/torch.h>

#include "models/batch_norm_relu.h"

namespace earshot::testing {

inline void RandomiseBatchNorms(torch::nn::Module& model) {
  torch::NoGradGuard no_grad;
  const auto set = [](torch::Tensor mean, torch::Tensor var, torch::Tensor weight, torch::Tensor bias) {
    mean.uniform_(-0.5, 0.5);
    var.uniform_(0.5, 2.0);
    if (weight.defined()) weight.uniform_(0.5, 1.5);
    if (bias.defined()) bias.uniform_(-0.2, 0.2);
  };
  for (const auto& m : model.modules()) {
    if (auto* n = m->as<models::BatchNormRelu2dImpl>()) set(n->running_mean, n->running_var, n->weight, n->bias);
    if (auto* n = m->as<torch::nn::BatchNorm2dImpl>()) set(n->running_mean, n->running_var, n->weight, n->bias);
    if (auto* n = m->as<torch::nn::BatchNorm1dImpl>()) set(n->running_mean, n->running_var, n->weight, n->bias);
  }
}

}  // namespace earshot::testing
