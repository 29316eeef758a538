#include "earshot/training/evaluate.h"

#include <torch/torch.h>

#include "earshot/data/loader.h"
#include "earshot/models/zoo.h"
#include "earshot/training/loss.h"

namespace earshot {

ModelOutputs RunModel(Classifier& model, BatchLoader& loader, const LossOptions& loss) {
  const bool was_training = model.is_training();
  model.eval();
  torch::NoGradGuard no_grad;
  ModelOutputs out;
  out.classes = static_cast<int>(loader.NumClasses());
  double loss_sum = 0.0;
  // The model's device (train.device); the outputs come back to the CPU.
  const auto params = model.parameters();
  const torch::Device device = params.empty() ? torch::Device(torch::kCPU) : params[0].device();
  loader.Start(0);
  while (auto batch = loader.Next()) {
    std::vector<int64_t> shape{batch->size};
    shape.insert(shape.end(), batch->shape.begin(), batch->shape.end());
    const auto x = torch::from_blob(batch->features.data(), shape, torch::kFloat32).to(device);
    const auto t = torch::from_blob(batch->targets.data(), {batch->size, out.classes}, torch::kFloat32).to(device);
    const auto logits = model.forward(x);
    loss_sum += ComputeLoss(loss, logits, t).item<double>() * static_cast<double>(batch->size);
    const auto p = OutputProbabilities(loss, logits).to(torch::kCPU).contiguous();
    const float* pp = p.data_ptr<float>();
    out.probabilities.insert(out.probabilities.end(), pp, pp + p.numel());
    out.targets.insert(out.targets.end(), batch->targets.begin(), batch->targets.end());
    out.labels.insert(out.labels.end(), batch->labels.begin(), batch->labels.end());
    out.clips.insert(out.clips.end(), batch->clips.begin(), batch->clips.end());
    out.rows += batch->size;
  }
  out.loss = out.rows > 0 ? loss_sum / static_cast<double>(out.rows) : 0.0;
  if (was_training) model.train();
  return out;
}

}  // namespace earshot
