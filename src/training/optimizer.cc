#include "earshot/training/optimizer.h"

#include <torch/torch.h>

#include "earshot/training/adadelta.h"
#include "earshot/training/nadam.h"
#include "earshot/util/error.h"

namespace earshot {

std::unique_ptr<torch::optim::Optimizer> MakeOptimizer(const OptimizerOptions& o,
                                                       std::vector<torch::Tensor> params) {
  ValidateOptions(o, "train.optimizer");
  const double lr = o.LearningRate();
  if (o.name == "sgd") {
    return std::make_unique<torch::optim::SGD>(
        std::move(params),
        torch::optim::SGDOptions(lr).momentum(o.momentum).nesterov(o.nesterov).weight_decay(o.weight_decay));
  }
  if (o.name == "adam") {
    return std::make_unique<torch::optim::Adam>(
        std::move(params),
        torch::optim::AdamOptions(lr).betas({o.beta1, o.beta2}).eps(o.eps).weight_decay(o.weight_decay));
  }
  if (o.name == "adamw") {
    return std::make_unique<torch::optim::AdamW>(
        std::move(params),
        torch::optim::AdamWOptions(lr).betas({o.beta1, o.beta2}).eps(o.eps).weight_decay(o.weight_decay));
  }
  if (o.name == "rmsprop") {
    return std::make_unique<torch::optim::RMSprop>(
        std::move(params), torch::optim::RMSpropOptions(lr).alpha(o.Rho()).eps(o.eps).momentum(o.momentum)
                               .weight_decay(o.weight_decay));
  }
  if (o.name == "nadam") {
    return std::make_unique<Nadam>(
        std::move(params), NadamOptions(lr).beta1(o.beta1).beta2(o.beta2).eps(o.eps).weight_decay(o.weight_decay));
  }
  if (o.name == "adadelta") {
    return std::make_unique<Adadelta>(
        std::move(params), AdadeltaOptions(lr).rho(o.Rho()).eps(o.eps).weight_decay(o.weight_decay));
  }
  throw Error(ErrorKind::kInternal, "optimizer '" + o.name + "' passed validation but has no implementation");
}

double LearningRate(const torch::optim::Optimizer& optimizer) {
  if (optimizer.param_groups().empty()) {
    throw Error(ErrorKind::kInternal, "LearningRate: the optimizer has no parameter groups");
  }
  return optimizer.param_groups().front().options().get_lr();
}

void SetLearningRate(torch::optim::Optimizer& optimizer, double lr) {
  for (auto& group : optimizer.param_groups()) group.options().set_lr(lr);
}

void ClipGradients(const OptimizerOptions& options, torch::optim::Optimizer& optimizer) {
  if (options.clip_grad_norm <= 0) return;
  std::vector<torch::Tensor> params;
  for (const auto& group : optimizer.param_groups()) {
    params.insert(params.end(), group.params().begin(), group.params().end());
  }
  torch::nn::utils::clip_grad_norm_(params, options.clip_grad_norm);
}

}  // namespace earshot
