// The fused batch norm + ReLU against LibTorch's BatchNorm2d followed by
// relu: outputs, all three gradients, running statistics; thread counts;
// plane sizes that leave vector remainders; the fall-back cases.
#include <gtest/gtest.h>

#include <type_traits>
#include <vector>

#include <torch/torch.h>

#include "models/batch_norm_relu.h"

namespace earshot {
namespace models {
namespace {

struct Result {
  torch::Tensor y, dx, dw, db, running_mean, running_var, batches;
};

// Sets the parameters and running statistics of `norm` from a fixed seed,
// so that every module the tests compare starts equal.
template <typename Norm>
void SetState(Norm& norm) {
  torch::manual_seed(7);
  torch::NoGradGuard no_grad;
  norm->weight.copy_(torch::rand_like(norm->weight) + 0.5);
  norm->bias.copy_(torch::randn_like(norm->bias));
  norm->running_mean.copy_(torch::randn_like(norm->running_mean));
  norm->running_var.copy_(torch::rand_like(norm->running_var) + 0.5);
}

// One training step forward and backward on x with the output gradient g:
// the fused module when `fused`, else BatchNorm2d with the same options
// followed by torch::relu.
Result TrainingStep(const torch::nn::BatchNormOptions& options, const torch::Tensor& x_in,
           const torch::Tensor& g, bool fused) {
  auto x = x_in.clone().requires_grad_();
  auto step = [&](auto norm) {
    norm->to(x.scalar_type());
    SetState(norm);
    norm->train();
    torch::Tensor y;
    if constexpr (std::is_same_v<decltype(norm), BatchNormRelu2d>) {
      y = norm->forward(x);
    } else {
      y = torch::relu(norm->forward(x));
    }
    y.backward(g);
    return Result{y.detach(), x.grad(), norm->weight.grad().clone(), norm->bias.grad().clone(),
                  norm->running_mean.clone(), norm->running_var.clone(),
                  norm->num_batches_tracked.clone()};
  };
  return fused ? step(BatchNormRelu2d(options)) : step(torch::nn::BatchNorm2d(options));
}

double MaxRelError(const torch::Tensor& a, const torch::Tensor& b) {
  const double scale = std::max(b.abs().max().item<double>(), 1e-12);
  return (a - b).abs().max().item<double>() / scale;
}

void ExpectMatchesLibTorch(const std::vector<int64_t>& shape, torch::nn::BatchNormOptions options) {
  SCOPED_TRACE(torch::IntArrayRef(shape));
  torch::manual_seed(3);
  // A mean far from zero: the variance must not come from E[x^2] - E[x]^2.
  const auto x = torch::randn(shape) * 2.0 + 5.0;
  const auto g = torch::randn(shape);
  const Result a = TrainingStep(options, x, g, true);
  const Result b = TrainingStep(options, x, g, false);
  EXPECT_LT(MaxRelError(a.y, b.y), 1e-5);
  EXPECT_LT(MaxRelError(a.dx, b.dx), 1e-4);
  EXPECT_LT(MaxRelError(a.dw, b.dw), 1e-4);
  EXPECT_LT(MaxRelError(a.db, b.db), 1e-5);
  EXPECT_LT(MaxRelError(a.running_mean, b.running_mean), 1e-6);
  EXPECT_LT(MaxRelError(a.running_var, b.running_var), 1e-5);
  EXPECT_EQ(a.batches.item<int64_t>(), b.batches.item<int64_t>());
  // The ReLU really cuts: some outputs are zero, some are not.
  const double zeros = (a.y == 0).to(torch::kFloat64).mean().item<double>();
  EXPECT_GT(zeros, 0.05);
  EXPECT_LT(zeros, 0.95);
}

TEST(BatchNormRelu2d, MatchesLibTorchOnDsCnnShape) {
  ExpectMatchesLibTorch({16, 64, 5, 25}, torch::nn::BatchNormOptions(64));
}

TEST(BatchNormRelu2d, MatchesLibTorchWithKerasSettingsAndOddPlanes) {
  // momentum 0.01, eps 1e-3; planes of 63, 1 and 8 values (vector remainders).
  ExpectMatchesLibTorch({4, 3, 7, 9}, torch::nn::BatchNormOptions(3).momentum(0.01).eps(1e-3));
  ExpectMatchesLibTorch({50, 6, 1, 1}, torch::nn::BatchNormOptions(6));
  ExpectMatchesLibTorch({3, 2, 2, 4}, torch::nn::BatchNormOptions(2));
  // No momentum: a cumulative average, 1 / batches seen.
  ExpectMatchesLibTorch({5, 4, 3, 3}, torch::nn::BatchNormOptions(4).momentum(c10::nullopt));
}

TEST(BatchNormRelu2d, SameBitsForAnyThreadCount) {
  const int threads = torch::get_num_threads();
  torch::manual_seed(4);
  const auto x = torch::randn({8, 32, 6, 11});
  const auto g = torch::randn_like(x);
  torch::set_num_threads(1);
  const Result a = TrainingStep(torch::nn::BatchNormOptions(32), x, g, true);
  torch::set_num_threads(2);
  const Result b = TrainingStep(torch::nn::BatchNormOptions(32), x, g, true);
  torch::set_num_threads(threads);
  EXPECT_TRUE(torch::equal(a.y, b.y));
  EXPECT_TRUE(torch::equal(a.dx, b.dx));
  EXPECT_TRUE(torch::equal(a.dw, b.dw));
  EXPECT_TRUE(torch::equal(a.running_var, b.running_var));
}

TEST(BatchNormRelu2d, EvaluationUsesRunningStatistics) {
  torch::manual_seed(5);
  BatchNormRelu2d norm(4);
  {
    torch::NoGradGuard no_grad;
    norm->running_mean.copy_(torch::tensor({1.f, -1.f, 0.f, 2.f}));
    norm->running_var.copy_(torch::tensor({4.f, 1.f, 0.25f, 1.f}));
  }
  norm->eval();
  const auto x = torch::randn({2, 4, 3, 3});
  const auto want = torch::relu((x - norm->running_mean.view({1, 4, 1, 1})) /
                                torch::sqrt(norm->running_var.view({1, 4, 1, 1}) + 1e-5));
  EXPECT_LT(MaxRelError(norm->forward(x), want), 1e-6);
  EXPECT_EQ(norm->num_batches_tracked.item<int64_t>(), 0);
}

TEST(BatchNormRelu2d, FallsBackWhereTheKernelDoesNotApply) {
  // Double precision: LibTorch's path, same answer as BatchNorm2d + relu.
  torch::manual_seed(6);
  const auto x = torch::randn({4, 3, 5, 5}, torch::kFloat64);
  const auto g = torch::randn_like(x);
  const Result fa = TrainingStep(torch::nn::BatchNormOptions(3), x, g, true);
  const Result fb = TrainingStep(torch::nn::BatchNormOptions(3), x, g, false);
  EXPECT_TRUE(torch::allclose(fa.y, fb.y));
  EXPECT_TRUE(torch::allclose(fa.dx, fb.dx));
  // One value per channel: LibTorch's own error, not a division by zero.
  BatchNormRelu2d c(3);
  c->train();
  EXPECT_THROW(c->forward(torch::randn({1, 3, 1, 1})), c10::Error);
  // A channel count that does not fit, or not 4-D: errors too.
  EXPECT_THROW(c->forward(torch::randn({4, 5, 2, 2})), c10::Error);
  EXPECT_THROW(c->forward(torch::randn({4, 3, 2})), c10::Error);
}

}  // namespace
}  // namespace models
}  // namespace earshot
