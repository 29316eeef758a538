// BatchNorm2d followed by ReLU as one operation.
//
// In training, LibTorch runs batch norm and ReLU as separate passes over the
// activations (statistics, normalisation, ReLU; and as many again backward),
// and its CPU batch norm is slow on the small feature maps of keyword
// spotters: in DS-CNN-S the two took about a third of a training step
// (docs/benchmarks.md). The fused kernel reads the input twice and writes
// the output once forward, and makes two passes backward.
//
//   BatchNormRelu2d norm(64);   // a BatchNorm2d whose forward also applies the ReLU
//   x = norm(conv(x));           // == torch::relu(BatchNorm2d(64)(conv(x)))
//
// It holds what torch::nn::BatchNorm2d holds, under the same names (weight,
// bias, running_mean, running_var, num_batches_tracked) and with the same
// options and defaults, so swapping one for the other changes no checkpoint
// or bundle.
#pragma once

#include <cstdint>
#include <ostream>

#include <torch/torch.h>

namespace earshot {
namespace models {

// relu(batch_norm(x)) for x [N, C, H, W]. Fused when training with affine
// parameters and running statistics, on a float CPU tensor; otherwise
// LibTorch's batch_norm and relu. Training on one value per channel is an
// error, as in BatchNorm2d. The fused
// result equals LibTorch's within float rounding, and is the same for any
// number of threads.
class BatchNormRelu2dImpl : public torch::nn::Cloneable<BatchNormRelu2dImpl> {
 public:
  explicit BatchNormRelu2dImpl(int64_t num_features)
      : BatchNormRelu2dImpl(torch::nn::BatchNormOptions(num_features)) {}
  explicit BatchNormRelu2dImpl(const torch::nn::BatchNormOptions& options);

  void reset() override;
  torch::Tensor forward(const torch::Tensor& x);
  void pretty_print(std::ostream& stream) const override;

  // For inference in eval mode: scales the weights of `conv`, whose output
  // this batch norm takes, and gives it the bias (its own plus the shift),
  // so that conv(x) equals batch_norm(conv(x)) before; forward is then the
  // ReLU alone. Returns false, changing nothing, when it cannot fold
  // (training, no running statistics, channels that differ, already
  // folded). The weights no longer match the saved ones: a folded model is
  // never trained or saved (Classifier::folded).
  bool FoldInto(torch::nn::Conv2dImpl& conv);
  // True once folded: forward is the ReLU alone.
  bool folded() const { return folded_; }

  torch::nn::BatchNormOptions options;
  torch::Tensor weight, bias, running_mean, running_var, num_batches_tracked;

 private:
  bool folded_ = false;
};
TORCH_MODULE(BatchNormRelu2d);

}  // namespace models
}  // namespace earshot
