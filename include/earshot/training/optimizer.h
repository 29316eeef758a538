// Builds the optimiser a recipe names, and reads or sets its learning rate
// for the schedules.
//
//   auto opt = MakeOptimizer(options, model->parameters());
//   ...
//   SetLearningRate(*opt, schedule.LearningRate(epoch, step, steps));
//   loss.backward();
//   ClipGradients(options, *opt);
//   opt->step();
//
// sgd, adam, adamw and rmsprop are LibTorch's; nadam and adadelta are
// earshot's (nadam.h, adadelta.h). All save and load their state with
// torch::save / torch::load, for checkpoints and resume.
#pragma once

#include <memory>
#include <vector>

#include <torch/optim/optimizer.h>

#include "earshot/training/optimizer_options.h"

namespace earshot {

// Validates `options` first.
std::unique_ptr<torch::optim::Optimizer> MakeOptimizer(const OptimizerOptions& options,
                                                       std::vector<torch::Tensor> params);

// The learning rate of the first parameter group.
double LearningRate(const torch::optim::Optimizer& optimizer);
// Sets the learning rate of every parameter group.
void SetLearningRate(torch::optim::Optimizer& optimizer, double lr);

// Scales all gradients so that their joint L2 norm is at most
// options.clip_grad_norm; does nothing when that is 0.
void ClipGradients(const OptimizerOptions& options, torch::optim::Optimizer& optimizer);

}  // namespace earshot
