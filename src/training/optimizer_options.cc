#include "earshot/training/optimizer_options.h"

#include "earshot/util/option_checks.h"

namespace earshot {

void OptimizerOptions::Visit(OptionVisitor& v) {
  v.Field("name", name, "sgd | adam | adamw | nadam | adadelta | rmsprop");
  v.Field("lr", lr, "learning rate; 0 = Keras default (sgd 0.01, adadelta 1.0, others 1e-3)");
  v.Field("momentum", momentum, "sgd, rmsprop momentum");
  v.Field("nesterov", nesterov, "sgd: Nesterov momentum");
  v.Field("beta1", beta1, "adam, adamw, nadam: first-moment decay");
  v.Field("beta2", beta2, "adam, adamw, nadam: second-moment decay");
  v.Field("eps", eps, "denominator guard (Keras epsilon)");
  v.Field("rho", rho, "adadelta, rmsprop: squared-gradient decay; 0 = Keras default (0.95, 0.9)");
  v.Field("weight_decay", weight_decay, "L2 on the gradient; adamw: decoupled");
  v.Field("clip_grad_norm", clip_grad_norm, "clip the global gradient norm; 0 = off");
}

void OptimizerOptions::Validate() const {
  using namespace option_checks;
  OneOf("name", name, {"sgd", "adam", "adamw", "nadam", "adadelta", "rmsprop"});
  AtLeast("lr", lr, 0.0);
  InRange("momentum", momentum, 0.0, 1.0, false);
  InRange("beta1", beta1, 0.0, 1.0, false);
  InRange("beta2", beta2, 0.0, 1.0, false);
  if (!(eps > 0)) ThrowOption("--eps should be > 0. Given: " + Str(eps));
  InRange("rho", rho, 0.0, 1.0, false);
  AtLeast("weight_decay", weight_decay, 0.0);
  AtLeast("clip_grad_norm", clip_grad_norm, 0.0);
  // A setting the chosen optimiser would ignore is a mistake in the recipe.
  if (momentum != 0 && name != "sgd" && name != "rmsprop") {
    ThrowOption("--momentum applies to sgd and rmsprop only. Given: " + Str(momentum) +
                " with --name=" + name);
  }
  if (rho != 0 && name != "adadelta" && name != "rmsprop") {
    ThrowOption("--rho applies to adadelta and rmsprop only. Given: " + Str(rho) +
                " with --name=" + name);
  }
  if (nesterov && (name != "sgd" || momentum <= 0)) {
    ThrowOption("--nesterov needs --name=sgd and --momentum > 0. Given: name '" +
                name + "', momentum " + Str(momentum));
  }
}

double OptimizerOptions::LearningRate() const {
  if (lr > 0) return lr;
  if (name == "sgd") return 0.01;
  if (name == "adadelta") return 1.0;
  return 1e-3;
}

double OptimizerOptions::Rho() const {
  if (rho > 0) return rho;
  return name == "adadelta" ? 0.95 : 0.9;
}

}  // namespace earshot
