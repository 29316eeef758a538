#include "earshot/training/loss.h"

#include <torch/torch.h>

#include "earshot/models/zoo.h"
#include "earshot/util/error.h"
#include "earshot/util/option_checks.h"

namespace earshot {
namespace {

// Keras clips both distributions to [epsilon, 1] before the logarithm.
constexpr double kKlClip = 1e-7;

std::string Shape(const torch::Tensor& t) { return option_checks::Str(t.sizes()); }

}  // namespace

torch::Tensor ComputeLoss(const LossOptions& options, const torch::Tensor& logits,
                          const torch::Tensor& targets) {
  if (logits.dim() != 2 || targets.sizes() != logits.sizes()) {
    ThrowMismatch("loss " + options.name + ": logits and targets should both be [batch, classes]. Given: " +
                  Shape(logits) + " and " + Shape(targets));
  }
  const torch::Tensor t = targets.to(logits.scalar_type());
  const double s = options.label_smoothing;
  if (options.name == "cross_entropy") {
    const double k = static_cast<double>(logits.size(1));
    const torch::Tensor smoothed = s > 0 ? t * (1.0 - s) + s / k : t;
    return -(smoothed * torch::log_softmax(logits, 1)).sum(1).mean();
  }
  if (options.name == "kl_div") {
    const torch::Tensor p = torch::softmax(logits, 1).clamp(kKlClip, 1.0);
    const torch::Tensor q = t.clamp(kKlClip, 1.0);
    return (q * (q.log() - p.log())).sum(1).mean();
  }
  if (options.name == "bce") {
    const torch::Tensor smoothed = s > 0 ? t * (1.0 - s) + s / 2.0 : t;
    return torch::binary_cross_entropy_with_logits(logits, smoothed);
  }
  ValidateOptions(options, "train.loss");
  throw Error(ErrorKind::kInternal, "loss '" + options.name + "' passed validation but has no implementation");
}

torch::Tensor OutputProbabilities(const LossOptions& options, const torch::Tensor& logits) {
  return Probabilities(options.Output(), logits);
}

}  // namespace earshot
