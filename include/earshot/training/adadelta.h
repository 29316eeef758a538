// Adadelta as Keras and PyTorch define it (they agree). LibTorch 1.13 has
// none; seed 004 trains with it (Keras: lr 1.0, rho 0.95, eps 1e-7).
//
// Per step, gradient g (plus weight_decay * p when set):
//   a  = rho a + (1 - rho) g^2                    accumulated squared gradients
//   u  = sqrt(d + eps) / sqrt(a + eps) * g
//   d  = rho d + (1 - rho) u^2                    accumulated squared updates
//   p -= lr u
//
// Its state saves and loads with torch::save / torch::load like LibTorch's own.
#pragma once

#include <torch/arg.h>
#include <torch/optim/optimizer.h>
#include <torch/serialize/archive.h>

#include <vector>

namespace earshot {

struct AdadeltaOptions : public torch::optim::OptimizerCloneableOptions<AdadeltaOptions> {
  AdadeltaOptions(double lr = 1.0);  // NOLINT: LibTorch's loader builds options from a double
  TORCH_ARG(double, lr) = 1.0;
  TORCH_ARG(double, rho) = 0.95;
  TORCH_ARG(double, eps) = 1e-7;
  TORCH_ARG(double, weight_decay) = 0.0;

 public:
  void serialize(torch::serialize::InputArchive& archive) override;
  void serialize(torch::serialize::OutputArchive& archive) const override;
  double get_lr() const override { return lr(); }
  void set_lr(const double value) override { lr(value); }
};

struct AdadeltaParamState : public torch::optim::OptimizerCloneableParamState<AdadeltaParamState> {
  TORCH_ARG(int64_t, step) = 0;
  TORCH_ARG(torch::Tensor, square_avg);  // a
  TORCH_ARG(torch::Tensor, acc_delta);   // d

 public:
  void serialize(torch::serialize::InputArchive& archive) override;
  void serialize(torch::serialize::OutputArchive& archive) const override;
};

class Adadelta : public torch::optim::Optimizer {
 public:
  explicit Adadelta(std::vector<torch::Tensor> params, AdadeltaOptions defaults = {});
  torch::Tensor step(LossClosure closure = nullptr) override;
  void save(torch::serialize::OutputArchive& archive) const override;
  void load(torch::serialize::InputArchive& archive) override;
};

}  // namespace earshot
