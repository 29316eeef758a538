// Each optimiser against updates worked out by hand on p = (1, -2) with the
// loss 0.5 |p|^2, whose gradient is p itself. Nadam's and Adadelta's numbers
// come from the Keras equations in numpy (/usr/bin/python3):
//
//   # Nadam, lr 0.1, beta 0.9/0.999, eps 1e-7
//   p = np.array([1., -2.]); m = v = np.zeros(2); prod = 1.
//   for t in (1, 2, 3):
//     g = p.copy()
//     mu = 0.9 * (1 - 0.5 * 0.96 ** (0.004 * t))
//     mu1 = 0.9 * (1 - 0.5 * 0.96 ** (0.004 * (t + 1)))
//     prod *= mu
//     m = 0.9 * m + 0.1 * g; v = 0.999 * v + 0.001 * g * g
//     mbar = (1 - mu) * g / (1 - prod) + mu1 * m / (1 - prod * mu1)
//     p = p - 0.1 * mbar / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-7)
//
//   # Adadelta, lr 1, rho 0.95, eps 1e-7
//   p = np.array([1., -2.]); a = d = np.zeros(2)
//   for t in range(3):
//     g = p.copy(); a = 0.95 * a + 0.05 * g * g
//     u = np.sqrt(d + 1e-7) / np.sqrt(a + 1e-7) * g
//     d = 0.95 * d + 0.05 * u * u; p = p - u
//
// torch.optim.Adadelta gives the same digits, and so does torch.optim.NAdam
// with foreach=True (torch 1.13's single-tensor NAdam multiplies mu twice
// into the next momentum product, so it is not a reference).
#include <sstream>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "earshot/training/optimizer.h"
#include "earshot/util/error.h"

namespace earshot {
namespace {

using Trajectory = std::vector<std::pair<double, double>>;

// Takes `steps` steps from p = (1, -2) on 0.5 |p|^2; returns p after each.
Trajectory Descend(const OptimizerOptions& o, int steps) {
  auto p = torch::tensor({1.0, -2.0}, torch::kFloat64).requires_grad_();
  auto opt = MakeOptimizer(o, {p});
  Trajectory out;
  for (int i = 0; i < steps; ++i) {
    opt->zero_grad();
    (0.5 * (p * p).sum()).backward();
    opt->step();
    out.emplace_back(p[0].item<double>(), p[1].item<double>());
  }
  return out;
}

void ExpectTrajectory(const Trajectory& got, const Trajectory& want, double tol) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_NEAR(got[i].first, want[i].first, tol) << "step " << i + 1;
    EXPECT_NEAR(got[i].second, want[i].second, tol) << "step " << i + 1;
  }
}

OptimizerOptions Named(const std::string& name, double lr) {
  OptimizerOptions o;
  o.name = name;
  o.lr = lr;
  return o;
}

// p <- p - 0.1 p = 0.9 p each step.
TEST(OptimizerTest, Sgd) {
  ExpectTrajectory(Descend(Named("sgd", 0.1), 3), {{0.9, -1.8}, {0.81, -1.62}, {0.729, -1.458}}, 1e-12);
}

// Keras: v <- 0.9 v - 0.1 g; p <- p + v (LibTorch's form is equal at fixed lr).
//   v1 = -0.1        p1 = 0.9
//   v2 = -0.09 - 0.09 = -0.18     p2 = 0.72
//   v3 = -0.162 - 0.072 = -0.234  p3 = 0.486   (second coordinate: x -2)
TEST(OptimizerTest, SgdMomentum) {
  auto o = Named("sgd", 0.1);
  o.momentum = 0.9;
  ExpectTrajectory(Descend(o, 3), {{0.9, -1.8}, {0.72, -1.44}, {0.486, -0.972}}, 1e-12);
}

// Keras Nesterov: v <- 0.9 v - 0.1 g; p <- p + 0.9 v - 0.1 g.
//   v1 = -0.1, p1 = 1 - 0.09 - 0.1 = 0.81
//   v2 = -0.09 - 0.081 = -0.171, p2 = 0.81 - 0.1539 - 0.081 = 0.5751
TEST(OptimizerTest, SgdNesterov) {
  auto o = Named("sgd", 0.1);
  o.momentum = 0.9;
  o.nesterov = true;
  ExpectTrajectory(Descend(o, 2), {{0.81, -1.62}, {0.5751, -1.1502}}, 1e-12);
}

// Step 1: m^ = g, v^ = g^2, so p moves by lr g / (|g| + eps) = 0.1 sign(g).
// Step 2, first coordinate, g = 0.9:
//   m = 0.09 + 0.09 = 0.18, m^ = 0.18 / (1 - 0.81) = 0.94736842
//   v = 0.000999 + 0.00081 = 0.001809, v^ = v / (1 - 0.998001) = 0.90495248
//   p = 0.9 - 0.1 * 0.94736842 / (0.95129 + 1e-7) = 0.80041225
TEST(OptimizerTest, Adam) {
  ExpectTrajectory(Descend(Named("adam", 0.1), 3),
                   {{0.90000001, -1.90000001}, {0.80041225, -1.80016650}, {0.70158630, -1.70062341}}, 1e-7);
}

// Decoupled decay first: p <- p (1 - 0.1 * 0.1) = 0.99 p, then Adam's 0.1
// sign(g) step: (0.99 - 0.1, -1.98 + 0.1) = (0.89, -1.88).
TEST(OptimizerTest, AdamW) {
  auto o = Named("adamw", 0.1);
  o.weight_decay = 0.1;
  ExpectTrajectory(Descend(o, 3), {{0.89, -1.88}, {0.78157188, -1.76140896}, {0.67510125, -1.64436870}}, 1e-7);
}

// rho 0.9 (the Keras default), lr 0.01:
//   step 1: s = 0.1 g^2, p -= 0.01 g / sqrt(0.1 g^2) = 0.01 / 0.31622777 = 0.03162278
//   step 2: g = 0.96837723, s = 0.09 + 0.1 * 0.93775446 = 0.18377545,
//           p -= 0.01 * 0.96837723 / 0.42869037 = 0.02258919 -> 0.94578804
TEST(OptimizerTest, RmsProp) {
  ExpectTrajectory(Descend(Named("rmsprop", 0.01), 3),
                   {{0.96837723, -1.96837723}, {0.94578804, -1.94560964}, {0.92705312, -1.92663369}}, 1e-7);
}

// Step 1 by hand: mu1 = 0.9 (1 - 0.5 * 0.96^0.004) = 0.45007347,
// mu2 = 0.45014694; m = 0.1 g, v^ = g^2 so the denominator is |g|:
//   mbar = (1 - mu1) g / (1 - mu1) + mu2 * 0.1 g / (1 - mu1 mu2)
//        = g (1 + 0.045014694 / 0.79740081) = 1.05645172 g
//   p1 = 1 - 0.1 * 1.05645172 = 0.89435483
TEST(OptimizerTest, NadamAsKeras) {
  ExpectTrajectory(Descend(Named("nadam", 0.1), 3),
                   {{0.8943548327, -1.8943548274}, {0.8199730877, -1.8178975395}, {0.7527292898, -1.7475085133}},
                   1e-9);
}

// Step 1 by hand: a = 0.05 g^2; u = sqrt(1e-7) / sqrt(0.05 + 1e-7) * 1
//   = 3.1622777e-4 / 0.22360702 = 1.4142121e-3, p1 = 0.99858579.
TEST(OptimizerTest, AdadeltaAsKeras) {
  OptimizerOptions o = Named("adadelta", 0);  // Keras defaults: lr 1, rho 0.95
  ExpectTrajectory(Descend(o, 3),
                   {{0.9985857879, -1.9985857868}, {0.9971545474, -1.9971540511}, {0.9957124680, -1.9957108020}},
                   1e-9);
}

TEST(OptimizerTest, KerasDefaultLearningRates) {
  const std::vector<std::pair<std::string, double>> defaults = {
      {"sgd", 0.01}, {"adam", 1e-3}, {"adamw", 1e-3}, {"nadam", 1e-3}, {"adadelta", 1.0}, {"rmsprop", 1e-3}};
  for (const auto& [name, lr] : defaults) {
    auto p = torch::zeros({2}, torch::requires_grad());
    EXPECT_DOUBLE_EQ(LearningRate(*MakeOptimizer(Named(name, 0), {p})), lr) << name;
  }
}

// Halving lr halves the step: plain SGD from p = 1 with lr 0.05 gives 0.95.
TEST(OptimizerTest, SetLearningRateReachesEveryOptimizer) {
  for (const std::string name : {"sgd", "adam", "adamw", "nadam", "adadelta", "rmsprop"}) {
    auto p = torch::ones({2}, torch::requires_grad());
    auto opt = MakeOptimizer(Named(name, 0.1), {p});
    SetLearningRate(*opt, 0.05);
    EXPECT_DOUBLE_EQ(LearningRate(*opt), 0.05) << name;
  }
  auto p = torch::ones({1}, torch::kFloat64).requires_grad_();
  auto sgd = MakeOptimizer(Named("sgd", 0.1), {p});
  SetLearningRate(*sgd, 0.05);
  (0.5 * (p * p).sum()).backward();
  sgd->step();
  EXPECT_NEAR(p.item<double>(), 0.95, 1e-12);
}

// Gradient (3, 4) has norm 5; clipped to 1 it is scaled by 1 / (5 + 1e-6)
// (the 1e-6 guard is PyTorch's clip_grad_norm_): (0.59999988, 0.79999984).
TEST(OptimizerTest, ClipGradients) {
  auto p = torch::zeros({2}, torch::kFloat64).requires_grad_();
  auto o = Named("sgd", 1.0);
  o.clip_grad_norm = 1.0;
  auto opt = MakeOptimizer(o, {p});
  (p * torch::tensor({3.0, 4.0}, torch::kFloat64)).sum().backward();
  ClipGradients(o, *opt);
  EXPECT_NEAR(p.grad()[0].item<double>(), 3.0 / (5.0 + 1e-6), 1e-12);
  EXPECT_NEAR(p.grad()[1].item<double>(), 4.0 / (5.0 + 1e-6), 1e-12);
}

// Two steps, save, load into a fresh optimiser over a copy of the
// parameters, two more steps each: the copies must agree exactly.
TEST(OptimizerTest, StateRoundTripsAndResumesIdentically) {
  for (const std::string name : {"nadam", "adadelta", "adam", "sgd"}) {
    auto o = Named(name, 0.1);
    if (name == "sgd") o.momentum = 0.9;
    auto p = torch::tensor({1.0, -2.0, 0.5}, torch::kFloat64).requires_grad_();
    auto first = MakeOptimizer(o, {p});
    auto descend = [](torch::optim::Optimizer& opt, torch::Tensor& x) {
      opt.zero_grad();
      (0.5 * (x * x * x * x).sum()).backward();
      opt.step();
    };
    descend(*first, p);
    descend(*first, p);
    std::stringstream saved;
    torch::save(*first, saved);

    auto q = p.detach().clone().requires_grad_();
    auto second = MakeOptimizer(o, {q});
    torch::load(*second, saved);
    for (int i = 0; i < 2; ++i) {
      descend(*first, p);
      descend(*second, q);
    }
    EXPECT_TRUE(torch::equal(p, q)) << name << ": " << p << " vs " << q;
    // The state really was restored: a fresh optimiser goes elsewhere.
    auto r = p.detach().clone().requires_grad_();
    auto fresh = MakeOptimizer(o, {r});
    descend(*first, p);
    descend(*fresh, r);
    EXPECT_FALSE(torch::equal(p, r)) << name;
  }
}

// The recipe's [optimizer] table of seed 002.
TEST(OptimizerTest, ReadsFromToml) {
  OptimizerOptions o;
  LoadTomlString(o, "name = \"nadam\"\nlr = 0.002\n", "recipe.toml");
  EXPECT_EQ(o.name, "nadam");
  EXPECT_DOUBLE_EQ(o.LearningRate(), 0.002);
  EXPECT_DOUBLE_EQ(o.beta1, 0.9);
  EXPECT_THROW(LoadTomlString(o, "learning_rate = 0.1\n", "recipe.toml"), Error);
}

TEST(OptimizerTest, ValidateNamesOptionAndValue) {
  auto expect_message = [](const OptimizerOptions& o, const std::string& message) {
    try {
      ValidateOptions(o, "train.optimizer");
      FAIL() << "no error for " << message;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kInvalidOption);
      EXPECT_EQ(std::string(e.what()), message);
    }
  };
  auto o = Named("adam", 0);
  o.momentum = 0.9;
  expect_message(o, "--train.optimizer.momentum applies to sgd and rmsprop only. Given: 0.9 with --train.optimizer.name=adam");
  o = Named("sgd", 0);
  o.nesterov = true;
  expect_message(o, "--train.optimizer.nesterov needs --train.optimizer.name=sgd and --train.optimizer.momentum > 0. Given: name 'sgd', momentum 0");
  o = Named("sgd", -1);
  expect_message(o, "--train.optimizer.lr should be >= 0. Given: -1");
  o = Named("adagrad", 0);
  expect_message(o, "--train.optimizer.name should be one of sgd | adam | adamw | nadam | adadelta | rmsprop. Given: 'adagrad'");
  o = Named("adam", 0);
  o.beta2 = 1.0;
  expect_message(o, "--train.optimizer.beta2 should be in [0, 1). Given: 1");
}

}  // namespace
}  // namespace earshot
