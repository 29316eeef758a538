// Which loss a model is trained with. Torch-free, so that recipes can hold it.
//
//   LossOptions o;                  // cross-entropy, no smoothing
//   SetOption(o, "name", "kl_div"); // seed 002: KL to the mixture proportions
//   o.Validate();
#pragma once

#include <string>

#include "earshot/util/options.h"

namespace earshot {

struct LossOptions : Options {
  // cross_entropy: softmax classes, targets a distribution per row (one-hot,
  //   smoothed, mixed or soft);
  // kl_div: KL(target || softmax), as Keras' kullback_leibler_divergence;
  // bce: independent sigmoid per class (multi-label).
  std::string name = "cross_entropy";
  // Targets t become t (1 - s) + s / K (cross_entropy) or t (1 - s) + s / 2
  // (bce), as Keras' label_smoothing. Not for kl_div, whose targets are
  // already the distribution to match.
  double label_smoothing = 0.0;

  void Visit(OptionVisitor& v) override;
  void Validate() const override;
  // How the model's outputs are read under this loss (Probabilities in
  // models/zoo.h): "sigmoid" for bce, else "softmax".
  std::string Output() const { return name == "bce" ? "sigmoid" : "softmax"; }
};

}  // namespace earshot
