#include "earshot/training/nadam.h"

#include <cmath>

#include <torch/optim/serialize.h>
#include <torch/torch.h>

#include "per_parameter_step.h"

namespace earshot {

NadamOptions::NadamOptions(double lr) : lr_(lr) {}

void NadamOptions::serialize(torch::serialize::OutputArchive& archive) const {
  _TORCH_OPTIM_SERIALIZE_TORCH_ARG(lr);
  _TORCH_OPTIM_SERIALIZE_TORCH_ARG(beta1);
  _TORCH_OPTIM_SERIALIZE_TORCH_ARG(beta2);
  _TORCH_OPTIM_SERIALIZE_TORCH_ARG(eps);
  _TORCH_OPTIM_SERIALIZE_TORCH_ARG(weight_decay);
  _TORCH_OPTIM_SERIALIZE_TORCH_ARG(momentum_decay);
}

void NadamOptions::serialize(torch::serialize::InputArchive& archive) {
  _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(double, lr);
  _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(double, beta1);
  _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(double, beta2);
  _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(double, eps);
  _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(double, weight_decay);
  _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(double, momentum_decay);
}

void NadamParamState::serialize(torch::serialize::OutputArchive& archive) const {
  _TORCH_OPTIM_SERIALIZE_TORCH_ARG(step);
  _TORCH_OPTIM_SERIALIZE_TORCH_ARG(mu_product);
  _TORCH_OPTIM_SERIALIZE_TORCH_ARG(exp_avg);
  _TORCH_OPTIM_SERIALIZE_TORCH_ARG(exp_avg_sq);
}

void NadamParamState::serialize(torch::serialize::InputArchive& archive) {
  _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(int64_t, step);
  _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(double, mu_product);
  _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(torch::Tensor, exp_avg);
  _TORCH_OPTIM_DESERIALIZE_TORCH_ARG(torch::Tensor, exp_avg_sq);
}

Nadam::Nadam(std::vector<torch::Tensor> params, NadamOptions defaults)
    : torch::optim::Optimizer({torch::optim::OptimizerParamGroup(std::move(params))},
                              std::make_unique<NadamOptions>(defaults)) {}

torch::Tensor Nadam::step(LossClosure closure) {
  return PerParameterStep<NadamOptions, NadamParamState>(
      *this, closure,
      [](NadamParamState& s, const torch::Tensor& p) {
        s.exp_avg(torch::zeros_like(p, torch::MemoryFormat::Preserve));
        s.exp_avg_sq(torch::zeros_like(p, torch::MemoryFormat::Preserve));
      },
      [](const NadamOptions& o, torch::Tensor& p, const torch::Tensor& grad, NadamParamState& s) {
        const int64_t t = s.step();
        const double b1 = o.beta1(), b2 = o.beta2();
        const double mu = b1 * (1.0 - 0.5 * std::pow(0.96, o.momentum_decay() * t));
        const double mu_next = b1 * (1.0 - 0.5 * std::pow(0.96, o.momentum_decay() * (t + 1)));
        s.mu_product(s.mu_product() * mu);
        const double product_next = s.mu_product() * mu_next;
        s.exp_avg().mul_(b1).add_(grad, 1.0 - b1);
        s.exp_avg_sq().mul_(b2).addcmul_(grad, grad, 1.0 - b2);
        const torch::Tensor denom =
            (s.exp_avg_sq() / (1.0 - std::pow(b2, static_cast<double>(t)))).sqrt_().add_(o.eps());
        p.addcdiv_(grad, denom, -o.lr() * (1.0 - mu) / (1.0 - s.mu_product()));
        p.addcdiv_(s.exp_avg(), denom, -o.lr() * mu_next / (1.0 - product_next));
      });
}

void Nadam::save(torch::serialize::OutputArchive& archive) const {
  torch::optim::serialize<NadamParamState, NadamOptions>(archive, *this);
}

void Nadam::load(torch::serialize::InputArchive& archive) {
  torch::optim::serialize<NadamParamState, NadamOptions>(archive, *this);
}

}  // namespace earshot
