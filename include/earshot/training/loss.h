// Losses on logits [B, K] against float targets [B, K].
//
//   auto loss = ComputeLoss(options, model->forward(x), batch.targets);
//   loss.backward();
//
// Targets are rows of class weights: a one-hot row, a smoothed or mixup-mixed
// row, or soft labels (seed 002's mixture proportions). The result is a
// scalar: the mean over the batch of the per-example loss.
#pragma once

#include <torch/types.h>

#include "earshot/training/loss_options.h"

namespace earshot {

// cross_entropy: mean_b sum_k -t_bk log softmax(z_b)_k
// kl_div:        mean_b sum_k t_bk log(t_bk / p_bk), t and p = softmax(z)
//                clipped to [1e-7, 1] (Keras kullback_leibler_divergence)
// bce:           mean_{b,k} -(t log sigmoid(z) + (1 - t) log(1 - sigmoid(z)))
// Throws Error(kMismatch) when the shapes are not both [B, K].
torch::Tensor ComputeLoss(const LossOptions& options, const torch::Tensor& logits,
                          const torch::Tensor& targets);

// What the model's outputs mean under this loss: softmax rows for
// cross_entropy and kl_div, independent sigmoids for bce.
torch::Tensor OutputProbabilities(const LossOptions& options, const torch::Tensor& logits);

}  // namespace earshot
