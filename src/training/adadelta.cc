#include "earshot/training/adadelta.h"

#include <torch/optim/serialize.h>
#include <torch/torch.h>

#include "per_parameter_step.h"

namespace earshot {

AdadeltaOptions::AdadeltaOptions(double lr) : lr_(lr) {}

void AdadeltaOptions::serialize(torch::serialize::OutputArchive& archive) const {
  _TORCH_OPTIM_SERIALIZE_TORCH_ARG(lr);
  _TORCH_OPTIM_SERIALIZE_TORCH_ARG(rho);
  _TORCH_OPTIM_SERIALIZE_TORCH_ARG(eps);
  _TORCH_OPTIM_SERIALIZE_TORCH_ARG(weight_decay);
}

void AdadeltaOptions::serialize(torch::serialize::InputArchive& archive) {
  _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(double, lr);
  _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(double, rho);
  _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(double, eps);
  _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(double, weight_decay);
}

void AdadeltaParamState::serialize(torch::serialize::OutputArchive& archive) const {
  _TORCH_OPTIM_SERIALIZE_TORCH_ARG(step);
  _TORCH_OPTIM_SERIALIZE_TORCH_ARG(square_avg);
  _TORCH_OPTIM_SERIALIZE_TORCH_ARG(acc_delta);
}

void AdadeltaParamState::serialize(torch::serialize::InputArchive& archive) {
  _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(int64_t, step);
  _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(torch::Tensor, square_avg);
  _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(torch::Tensor, acc_delta);
}

Adadelta::Adadelta(std::vector<torch::Tensor> params, AdadeltaOptions defaults)
    : torch::optim::Optimizer({torch::optim::OptimizerParamGroup(std::move(params))},
                              std::make_unique<AdadeltaOptions>(defaults)) {}

torch::Tensor Adadelta::step(LossClosure closure) {
  return PerParameterStep<AdadeltaOptions, AdadeltaParamState>(
      *this, closure,
      [](AdadeltaParamState& s, const torch::Tensor& p) {
        s.square_avg(torch::zeros_like(p, torch::MemoryFormat::Preserve));
        s.acc_delta(torch::zeros_like(p, torch::MemoryFormat::Preserve));
      },
      [](const AdadeltaOptions& o, torch::Tensor& p, const torch::Tensor& grad,
         AdadeltaParamState& s) {
        const double rho = o.rho();
        s.square_avg().mul_(rho).addcmul_(grad, grad, 1.0 - rho);
        const torch::Tensor update =
            (s.acc_delta() + o.eps()).sqrt_().div_((s.square_avg() + o.eps()).sqrt_()).mul_(grad);
        s.acc_delta().mul_(rho).addcmul_(update, update, 1.0 - rho);
        p.add_(update, -o.lr());
      });
}

void Adadelta::save(torch::serialize::OutputArchive& archive) const {
  torch::optim::serialize<AdadeltaParamState, AdadeltaOptions>(archive, *this);
}

void Adadelta::load(torch::serialize::InputArchive& archive) {
  torch::optim::serialize<AdadeltaParamState, AdadeltaOptions>(archive, *this);
}

}  // namespace earshot
