// The step every earshot optimiser shares, as LibTorch's own optimisers run
// it: call the closure (with gradients on) if there is one, then, without
// gradients, for each parameter that has a gradient: add weight decay to
// the gradient, find or create the parameter's state, count the step in it
// (the update sees s.step() = t, from 1), and apply the update.
//
//   return PerParameterStep<NadamOptions, NadamParamState>(
//       *this, closure,
//       [](NadamParamState& s, const torch::Tensor& p) { /* zero the moments */ },
//       [](const NadamOptions& o, torch::Tensor& p, const torch::Tensor& grad,
//          NadamParamState& s) { ... });
#pragma once

#include <memory>
#include <string>

#include <torch/torch.h>

namespace earshot {

template <typename Options, typename State, typename Init, typename Update>
torch::Tensor PerParameterStep(torch::optim::Optimizer& optimizer,
                               const torch::optim::Optimizer::LossClosure& closure, Init init,
                               Update update) {
  torch::NoGradGuard no_grad;
  torch::Tensor loss;
  if (closure) {
    torch::AutoGradMode enable_grad(true);
    loss = closure();
  }
  auto& state = optimizer.state();
  for (auto& group : optimizer.param_groups()) {
    const auto& o = static_cast<const Options&>(group.options());
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      torch::Tensor grad = p.grad();
      if (o.weight_decay() != 0) grad = grad.add(p, o.weight_decay());
      // LibTorch keys state by the parameter's TensorImpl; its save/load rely on it.
      const std::string key = c10::guts::to_string(p.unsafeGetTensorImpl());
      auto it = state.find(key);
      if (it == state.end()) {
        auto fresh = std::make_unique<State>();
        init(*fresh, p);
        it = state.emplace(key, std::move(fresh)).first;
      }
      auto& s = static_cast<State&>(*it->second);
      s.step(s.step() + 1);
      update(o, p, grad, s);
    }
  }
  return loss;
}

}  // namespace earshot
