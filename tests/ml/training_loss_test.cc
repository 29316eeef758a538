// Losses against values worked out by hand (the arithmetic is in the
// comments; /usr/bin/python3 with torch agrees to the digits shown).
#include <cmath>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "earshot/training/loss.h"
#include "earshot/util/error.h"

namespace earshot {
namespace {

torch::Tensor Rows(std::vector<std::vector<double>> rows) {
  std::vector<torch::Tensor> out;
  for (const auto& r : rows) out.push_back(torch::tensor(r, torch::kFloat64));
  return torch::stack(out);
}

double Loss(const std::string& name, double smoothing, const torch::Tensor& z, const torch::Tensor& t) {
  LossOptions o;
  o.name = name;
  o.label_smoothing = smoothing;
  o.Validate();
  return ComputeLoss(o, z, t).item<double>();
}

// Row 1: z = (1, 2, 3), log(e + e^2 + e^3) = log 30.19287 = 3.40760596, so
//   log_softmax = (-2.40760596, -1.40760596, -0.40760596); one-hot on class 3
//   -> 0.40760596.
// Row 2: z = 0, log_softmax = -log 3 everywhere; t = (0.5, 0.5, 0) -> 1.09861229.
// Mean: (0.40760596 + 1.09861229) / 2 = 0.75310913.
TEST(LossTest, CrossEntropyWithSoftTargets) {
  const auto z = Rows({{1, 2, 3}, {0, 0, 0}});
  const auto t = Rows({{0, 0, 1}, {0.5, 0.5, 0}});
  EXPECT_NEAR(Loss("cross_entropy", 0.0, z, t), 0.75310913, 1e-7);
}

// s = 0.1, K = 3: row 1 targets (1/30, 1/30, 0.9 + 1/30), loss
//   0.9 * 0.40760596 + (0.1 / 3) * (2.40760596 + 1.40760596 + 0.40760596)
//   = 0.36684536 + 0.14076060 = 0.50760596;
// row 2 still sums to 1 against a flat log_softmax: 1.09861229.
// Mean: 0.80310912.
TEST(LossTest, CrossEntropyLabelSmoothingAsKeras) {
  const auto z = Rows({{1, 2, 3}, {0, 0, 0}});
  const auto t = Rows({{0, 0, 1}, {0.5, 0.5, 0}});
  EXPECT_NEAR(Loss("cross_entropy", 0.1, z, t), 0.80310912, 1e-7);
}

// d loss / d z = (softmax(z) - t) / B: row 1 softmax (0.09003, 0.24473, 0.66524)
// -> (0.04501, 0.12236, -0.16738); row 2 (1/3 - 0.5, 1/3 - 0.5, 1/3) / 2.
TEST(LossTest, CrossEntropyGradient) {
  auto z = Rows({{1, 2, 3}, {0, 0, 0}}).requires_grad_();
  const auto t = Rows({{0, 0, 1}, {0.5, 0.5, 0}});
  LossOptions o;
  ComputeLoss(o, z, t).backward();
  const auto g = z.grad();
  EXPECT_NEAR(g[0][0].item<double>(), 0.0450153, 1e-6);
  EXPECT_NEAR(g[0][1].item<double>(), 0.1223642, 1e-6);
  EXPECT_NEAR(g[0][2].item<double>(), -0.1673795, 1e-6);
  EXPECT_NEAR(g[1][0].item<double>(), -1.0 / 12, 1e-9);
  EXPECT_NEAR(g[1][2].item<double>(), 1.0 / 6, 1e-9);
}

// z = (0, ln 3) -> p = (0.25, 0.75).
// Row 1, t = (0.5, 0.5): 0.5 ln(0.5 / 0.25) + 0.5 ln(0.5 / 0.75)
//   = 0.5 (0.69314718 - 0.40546511) = 0.14384104.
// Row 2, t = (1, 0) clipped to (1, 1e-7): ln 4 + 1e-7 ln(1e-7 / 0.75)
//   = 1.38629436 - 1.58e-6 = 1.38629278.
// Mean: 0.76506691.
TEST(LossTest, KlDivergenceAsKeras) {
  const double ln3 = std::log(3.0);
  const auto z = Rows({{0, ln3}, {0, ln3}});
  const auto t = Rows({{0.5, 0.5}, {1, 0}});
  EXPECT_NEAR(Loss("kl_div", 0.0, z, t), 0.76506691, 1e-8);
  // A perfect prediction costs nothing.
  EXPECT_NEAR(Loss("kl_div", 0.0, Rows({{0, ln3}}), Rows({{0.25, 0.75}})), 0.0, 1e-12);
}

// z = (0, 2), t = (1, 0): -ln sigmoid(0) = ln 2 = 0.69314718;
// -ln(1 - sigmoid(2)) = softplus(2) = 2.12692801. Mean 1.41003760.
// With s = 0.2, t = (0.9, 0.1): element 1 still ln 2 (sigmoid(0) = 0.5);
// element 2: 0.1 softplus(-2) + 0.9 softplus(2) = 0.01269280 + 1.91423521
// = 1.92692801. Mean 1.31003760.
TEST(LossTest, BinaryCrossEntropyWithLogits) {
  const auto z = Rows({{0, 2}});
  const auto t = Rows({{1, 0}});
  EXPECT_NEAR(Loss("bce", 0.0, z, t), 1.41003760, 1e-7);
  EXPECT_NEAR(Loss("bce", 0.2, z, t), 1.31003760, 1e-7);
}

TEST(LossTest, OutputProbabilities) {
  const auto z = Rows({{0, std::log(3.0)}});
  LossOptions o;
  EXPECT_NEAR(OutputProbabilities(o, z)[0][1].item<double>(), 0.75, 1e-12);
  o.name = "bce";
  EXPECT_NEAR(OutputProbabilities(o, z)[0][0].item<double>(), 0.5, 1e-12);
  EXPECT_NEAR(OutputProbabilities(o, z)[0][1].item<double>(), 0.75, 1e-12);  // sigmoid(ln 3) = 3/4
}

TEST(LossTest, ShapeMismatchIsAnError) {
  LossOptions o;
  try {
    ComputeLoss(o, torch::zeros({2, 3}), torch::zeros({2, 4}));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kMismatch);
    EXPECT_NE(std::string(e.what()).find("[2, 3] and [2, 4]"), std::string::npos) << e.what();
  }
}

TEST(LossTest, ValidateNamesOptionAndValue) {
  LossOptions o;
  o.name = "mse";
  try {
    ValidateOptions(o, "train.loss");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "--train.loss.name should be one of cross_entropy | kl_div | bce. Given: 'mse'");
  }
  o.name = "kl_div";
  o.label_smoothing = 0.1;
  EXPECT_THROW(o.Validate(), Error);
  o.name = "cross_entropy";
  o.label_smoothing = 1.0;
  EXPECT_THROW(o.Validate(), Error);
}

}  // namespace
}  // namespace earshot
