// Nadam as Keras' tf.keras.optimizers.Nadam: Adam with Nesterov momentum and
// Dozat's momentum schedule mu_t = beta1 (1 - 0.5 * 0.96^(0.004 t)).
// LibTorch 1.13 has no Nadam; seed 002 trains with it.
//
// Per step t (from 1), gradient g (plus weight_decay * p when set):
//   mu_t = beta1 (1 - 0.5 * 0.96^(d t)),  d = momentum_decay
//   P_t  = mu_1 ... mu_t
//   m    = beta1 m + (1 - beta1) g
//   v    = beta2 v + (1 - beta2) g^2
//   m^   = (1 - mu_t) g / (1 - P_t) + mu_{t+1} m / (1 - P_t mu_{t+1})
//   p   -= lr m^ / (sqrt(v / (1 - beta2^t)) + eps)
//
// Its state saves and loads with torch::save / torch::load like LibTorch's own.
#pragma once

#include <torch/arg.h>
#include <torch/optim/optimizer.h>
#include <torch/serialize/archive.h>

#include <vector>

namespace earshot {

struct NadamOptions : public torch::optim::OptimizerCloneableOptions<NadamOptions> {
  NadamOptions(double lr = 1e-3);  // NOLINT: LibTorch's loader builds options from a double
  TORCH_ARG(double, lr) = 1e-3;
  TORCH_ARG(double, beta1) = 0.9;
  TORCH_ARG(double, beta2) = 0.999;
  TORCH_ARG(double, eps) = 1e-7;
  TORCH_ARG(double, weight_decay) = 0.0;
  TORCH_ARG(double, momentum_decay) = 0.004;

 public:
  void serialize(torch::serialize::InputArchive& archive) override;
  void serialize(torch::serialize::OutputArchive& archive) const override;
  double get_lr() const override { return lr(); }
  void set_lr(const double value) override { lr(value); }
};

struct NadamParamState : public torch::optim::OptimizerCloneableParamState<NadamParamState> {
  TORCH_ARG(int64_t, step) = 0;
  TORCH_ARG(double, mu_product) = 1.0;  // P_t
  TORCH_ARG(torch::Tensor, exp_avg);     // m
  TORCH_ARG(torch::Tensor, exp_avg_sq);  // v

 public:
  void serialize(torch::serialize::InputArchive& archive) override;
  void serialize(torch::serialize::OutputArchive& archive) const override;
};

class Nadam : public torch::optim::Optimizer {
 public:
  explicit Nadam(std::vector<torch::Tensor> params, NadamOptions defaults = {});
  torch::Tensor step(LossClosure closure = nullptr) override;
  void save(torch::serialize::OutputArchive& archive) const override;
  void load(torch::serialize::InputArchive& archive) override;
};

}  // namespace earshot
