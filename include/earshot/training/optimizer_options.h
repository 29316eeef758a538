// The optimiser of a recipe. Torch-free; MakeOptimizer (optimizer.h) builds it.
//
//   OptimizerOptions o;            // Adam, Keras defaults
//   SetOption(o, "name", "nadam");
//   SetOption(o, "lr", "0.002");   // seed 002
//   o.Validate();
//
// Defaults are Keras' (the seeds were written in Keras): a learning rate of 0
// means the Keras default of the chosen optimiser, eps is Keras' 1e-7.
#pragma once

#include <string>

#include "earshot/util/options.h"

namespace earshot {

struct OptimizerOptions : Options {
  std::string name = "adam";    // sgd | adam | adamw | nadam | adadelta | rmsprop
  double lr = 0.0;              // learning rate; 0 = Keras default (sgd 0.01, adadelta 1.0, others 1e-3)
  double momentum = 0.0;        // sgd, rmsprop
  bool nesterov = false;        // sgd: Nesterov momentum (needs momentum > 0)
  double beta1 = 0.9;           // adam, adamw, nadam: first-moment decay
  double beta2 = 0.999;         // adam, adamw, nadam: second-moment decay
  double eps = 1e-7;            // denominator guard (Keras epsilon)
  double rho = 0.0;             // adadelta, rmsprop: squared-gradient decay; 0 = Keras default (0.95, 0.9)
  double weight_decay = 0.0;    // L2 added to the gradient; adamw: decoupled decay
  double clip_grad_norm = 0.0;  // clip the global gradient norm to this before each step; 0 = off

  void Visit(OptionVisitor& v) override;
  void Validate() const override;

  // lr and rho with the Keras defaults filled in.
  double LearningRate() const;
  double Rho() const;
};

}  // namespace earshot
