// The model zoo: every classifier of the seed recipes and a few keyword
// spotting architectures, built from ModelOptions and the front end's shape.
//
//   FrontEnd fe(features);                         // e.g. 40 log-mels, 1 s
//   ModelOptions o;                                // name = "ds_cnn"
//   auto model = BuildModel(o, fe.OutputShape(16000), 12);   // shape {1, 40, 101}
//   torch::Tensor logits = model->forward(batch);  // [B, 1, 40, 101] -> [B, 12]
//   std::cout << CountParameters(*model);
//
// Models return logits, never probabilities: losses and prediction apply the
// softmax. Initialisation follows each model's source: Keras defaults
// (Glorot-uniform kernels, zero biases, BatchNorm momentum 0.01 and eps 1e-3
// in torch terms) for the Keras seeds 000, 001, 003 and 004; truncated
// he-normal for seed 002; LibTorch defaults for the others. See
// docs/models.md.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "earshot/models/model_options.h"  // ModelOptions, ModelNames, ModelSummary

namespace earshot {

struct NativePlan;  // earshot/models/native_plan.h

class Classifier : public torch::nn::Module {
 public:
  // x: [B, ...example_shape] as the front end makes it; returns logits [B, classes].
  virtual torch::Tensor forward(torch::Tensor x) = 0;

  // Folds every batch norm (+ ReLU) of models::BatchNormRelu2d into the
  // Conv2d whose output it takes, for eval mode (PrepareForInference).
  // This one folds such pairs that follow each other in a Sequential; a
  // model whose pairs are not in one overrides it and adds its own.
  virtual void FoldBatchNorms();
  // True once folded: the weights no longer match the saved ones, so the
  // model may not be trained or saved (SaveBundle refuses it).
  bool folded() const { return folded_; }

  // The model's inference pass as plain layers (models/native_plan.h) for
  // examples of `example_shape`, once prepared for inference
  // (PrepareForInference); null when it has none, not prepared or not
  // folded. This one has none; DS-CNN overrides it. Reads the weights only.
  virtual std::shared_ptr<const NativePlan> DescribeNative(const std::vector<int64_t>& example_shape) const;

 protected:
  bool folded_ = false;
};

// Validates `options`; `example_shape` is one example without the batch
// ({1, n} for waveforms, {C, F, T} otherwise). A shape the model cannot take
// (wrong rank, too small for its pooling) throws Error(kMismatch) naming the
// model, the shape and the smallest size it takes.
std::shared_ptr<Classifier> BuildModel(const ModelOptions& options,
                                       const std::vector<int64_t>& example_shape,
                                       int num_classes);

// What a model's logits mean: `output` "softmax" (one distribution per
// row) or "sigmoid" (an independent probability per class, multi-label).
// Another name is an error naming it.
torch::Tensor Probabilities(const std::string& output, const torch::Tensor& logits);

// Makes a model faster for inference only: eval mode, then
// FoldBatchNorms. Its logits equal the unfolded model's within float
// rounding (tested for every model of the zoo: a relative difference under
// 1e-4 of the logits' scale); afterwards it may not be trained or saved.
void PrepareForInference(Classifier& model);

// Trainable parameters (BatchNorm running statistics are buffers, not
// counted), the number Keras reports as "trainable params".
int64_t CountParameters(const torch::nn::Module& module);

}  // namespace earshot
