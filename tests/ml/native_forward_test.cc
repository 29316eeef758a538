// The inference pass on XNNPACK (inference/xnnpack_plan.h) against
// LibTorch's on the same folded model, the plans models describe, plans
// the runner refuses, and ForwardPass's choice of backend and its threads.
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "earshot/inference/bundle.h"
#include "earshot/inference/forward_pass.h"
#include "earshot/models/native_plan.h"
#include "earshot/models/zoo.h"
#include "earshot/util/error.h"
#include "inference/xnnpack_plan.h"
#include "models/layers.h"
#include "random_batch_norms.h"

namespace earshot {
namespace {

// A model as LoadInferenceBundle leaves it, with batch norms away from
// the identity and He-normal weights, so that the logits depend on the
// input as much as on the last bias (LibTorch's default initialisation
// shrinks the activations layer by layer until a wrong padding changes
// the logits by less than float rounding): a wrong fold, layout or
// padding shows.
std::shared_ptr<Classifier> PreparedModel(const std::string& name, const std::string& size,
                                          const std::vector<int64_t>& shape, int classes) {
  ModelOptions o;
  o.name = name;
  o.size = size;
  auto model = BuildModel(o, shape, classes);
  {
    torch::NoGradGuard no_grad;
    for (const auto& m : model->modules()) {
      if (auto* conv = m->as<torch::nn::Conv2dImpl>()) models::HeNormalInit(conv->weight);
      if (auto* linear = m->as<torch::nn::LinearImpl>()) models::HeNormalInit(linear->weight);
    }
  }
  testing::RandomiseBatchNorms(*model);
  PrepareForInference(*model);
  return model;
}

std::vector<int64_t> Batch(int64_t n, const std::vector<int64_t>& shape) {
  std::vector<int64_t> b{n};
  b.insert(b.end(), shape.begin(), shape.end());
  return b;
}

struct PlanCase {
  std::string size;
  std::vector<int64_t> shape;
  std::string label;
};

class DsCnnPlan : public ::testing::TestWithParam<PlanCase> {};

// Every size of DS-CNN on the recipes' shapes, an odd one and two input
// channels (the runner reorders them channels last): XNNPACK's logits are
// LibTorch's within 1e-5 of their scale, for one example and a batch.
TEST_P(DsCnnPlan, XnnpackGivesLibTorchsLogits) {
  const PlanCase& c = GetParam();
  torch::manual_seed(7);
  auto model = PreparedModel("ds_cnn", c.size, c.shape, 12);
  const auto plan = model->DescribeNative(c.shape);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->input_shape, c.shape);
  XnnpackPlan xnn(*plan, 1);
  ASSERT_EQ(xnn.outputs(), 12);
  torch::NoGradGuard no_grad;
  for (int64_t n : {1, 5}) {
    const torch::Tensor x = torch::randn(Batch(n, c.shape));
    const torch::Tensor want = model->forward(x);
    std::vector<float> got(static_cast<size_t>(n * 12));
    xnn.Run(x.data_ptr<float>(), n, got.data());
    const torch::Tensor g = torch::from_blob(got.data(), {n, 12}, torch::kFloat32);
    const double scale = 1.0 + want.abs().max().item<double>();
    const double worst = (g - want).abs().max().item<double>();
    EXPECT_LE(worst, 1e-5 * scale) << c.label << " batch " << n << ": logits up to " << scale - 1;
    // The same input again: the plan keeps no state between passes.
    std::vector<float> again(got.size());
    xnn.Run(x.data_ptr<float>(), n, again.data());
    EXPECT_EQ(again, got);
  }
}

INSTANTIATE_TEST_SUITE_P(Sizes, DsCnnPlan,
                         ::testing::Values(PlanCase{"s", {1, 40, 49}, "s_40x49"},
                                           PlanCase{"s", {1, 40, 101}, "s_40x101"},
                                           PlanCase{"m", {1, 40, 49}, "m_40x49"},
                                           PlanCase{"l", {1, 40, 49}, "l_40x49"},
                                           PlanCase{"s", {2, 13, 30}, "s_two_channels_13x30"},
                                           PlanCase{"s", {1, 3, 5}, "s_smaller_than_its_kernel"}),
                         [](const auto& info) { return info.param.label; });

// The first convolution's "same" padding as the model pads: 40 x 49
// frames at stride 2 take one row each side and 4 | 5 frames.
TEST(NativePlan, DsCnnDescribesItsLayersOnceFoldedOnly) {
  const std::vector<int64_t> shape{1, 40, 49};
  const auto plan = PreparedModel("ds_cnn", "s", shape, 12)->DescribeNative(shape);
  ASSERT_TRUE(plan);
  ASSERT_EQ(plan->layers.size(), 1u + 4 * 2 + 2);
  const NativeLayer& first = plan->layers.front();
  EXPECT_EQ(first.kind, NativeLayer::Kind::kConv2d);
  EXPECT_EQ(first.kernel_h, 4);
  EXPECT_EQ(first.kernel_w, 10);
  EXPECT_EQ(first.stride_h, 2);
  EXPECT_EQ(first.pad_top, 1);
  EXPECT_EQ(first.pad_bottom, 1);
  EXPECT_EQ(first.pad_left, 4);
  EXPECT_EQ(first.pad_right, 5);
  EXPECT_TRUE(first.relu);
  EXPECT_EQ(plan->layers[1].groups, 64);  // depthwise
  EXPECT_EQ(plan->layers[1].pad_top, 1);
  EXPECT_EQ(plan->layers[2].kernel_h, 1);  // pointwise
  EXPECT_EQ(plan->layers[9].kind, NativeLayer::Kind::kGlobalAveragePool);
  EXPECT_EQ(plan->layers[10].kind, NativeLayer::Kind::kDense);
  EXPECT_FALSE(plan->layers[10].relu);
  EXPECT_EQ(plan->layers[10].out_channels, 12);

  // Not prepared (batch norms unfolded), or back in training: no plan.
  ModelOptions o;
  o.name = "ds_cnn";
  auto raw = BuildModel(o, shape, 12);
  raw->eval();
  EXPECT_FALSE(raw->DescribeNative(shape));
  auto trained = PreparedModel("ds_cnn", "s", shape, 12);
  trained->train();
  EXPECT_FALSE(trained->DescribeNative(shape));
  // A model without such a plan.
  EXPECT_FALSE(PreparedModel("bc_resnet", "s", shape, 12)->DescribeNative(shape));
}

NativeLayer Conv(int64_t in, int64_t out) {
  NativeLayer l;
  l.in_channels = in;
  l.out_channels = out;
  l.weights.assign(static_cast<size_t>(in * out), 0.5f);
  l.bias.assign(static_cast<size_t>(out), 0.f);
  return l;
}

NativeLayer Dense(int64_t in, int64_t out) {
  NativeLayer l = Conv(in, out);
  l.kind = NativeLayer::Kind::kDense;
  return l;
}

NativeLayer Pool(int64_t c) { return models::NativeGlobalAveragePool(c); }

std::string Refusal(const NativePlan& plan) {
  try {
    XnnpackPlan p(plan, 1);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInternal);
    return e.what();
  }
  return "";
}

// A 1x1 convolution, the pool and a dense layer compute what they say.
TEST(XnnpackPlan, SmallPlanComputesByHand) {
  NativePlan plan{{2, 1, 2}, {Conv(2, 1), Pool(1), Dense(1, 2)}};
  plan.layers[0].weights = {1.f, -2.f};  // out = x0 - 2 x1, then ReLU
  plan.layers[0].relu = true;
  plan.layers[2].weights = {3.f, -1.f};
  plan.layers[2].bias = {0.5f, 0.f};
  XnnpackPlan p(plan, 1);
  // Channels first: x0 = {4, 1}, x1 = {1, 3}: conv {2, 0} (-5 clipped), mean 1.
  const std::vector<float> x{4.f, 1.f, 1.f, 3.f};
  std::vector<float> out(2);
  p.Run(x.data(), 1, out.data());
  EXPECT_FLOAT_EQ(out[0], 3.5f);
  EXPECT_FLOAT_EQ(out[1], -1.f);
}

TEST(XnnpackPlan, PlansThatDoNotChainAreRefusedNamingTheLayer) {
  EXPECT_NE(Refusal({{2, 3, 3}, {Conv(2, 4), Conv(3, 4), Pool(4)}}).find("layer 2: takes 3 channels, is given 4"),
            std::string::npos);
  EXPECT_NE(Refusal({{1, 3, 3}, {Pool(1), Conv(1, 1)}}).find("layer 2: a convolution after the pool"),
            std::string::npos);
  EXPECT_NE(Refusal({{1, 3, 3}, {Dense(1, 2)}}).find("layer 1: a dense layer before the pool"), std::string::npos);
  EXPECT_NE(Refusal({{1, 3, 3}, {Conv(1, 2)}}).find("ends before its pool"), std::string::npos);
  NativePlan short_weights{{1, 3, 3}, {Conv(1, 2), Pool(2)}};
  short_weights.layers[0].weights.pop_back();
  EXPECT_NE(Refusal(short_weights).find("layer 1: weights or bias of another size"), std::string::npos);
  NativePlan groups{{3, 3, 3}, {Conv(3, 4), Pool(4)}};
  groups.layers[0].groups = 2;
  EXPECT_NE(Refusal(groups).find("layer 1: channels not divisible by the groups"), std::string::npos);
  NativePlan big_kernel{{1, 3, 3}, {Conv(1, 1), Pool(1)}};
  big_kernel.layers[0].kernel_h = 5;
  big_kernel.layers[0].weights.assign(5, 1.f);
  EXPECT_NE(Refusal(big_kernel).find("layer 1: an input smaller than the kernel"), std::string::npos);
  EXPECT_NE(Refusal({{1, 3}, {Pool(1)}}).find("an input [channels, height, width]"), std::string::npos);
}

// Sets an environment variable for one scope, then restores it.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    setenv(name, value, 1);
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

std::shared_ptr<const Bundle> InferenceBundle(const std::string& model_name, const std::string& output) {
  auto b = std::make_shared<Bundle>();
  b->info.example_shape = {1, 40, 49};
  b->info.output = output;
  for (int i = 0; i < 12; ++i) b->info.labels.push_back("l" + std::to_string(i));
  b->model = PreparedModel(model_name, "s", b->info.example_shape, 12);
  return b;
}

std::vector<float> Probabilities(const ForwardPass& pass, const torch::Tensor& x) {
  std::vector<float> out(static_cast<size_t>(x.size(0) * 12));
  pass.Run(x.data_ptr<float>(), x.size(0), out.data());
  return out;
}

// DS-CNN runs on XNNPACK unless EARSHOT_FORWARD=torch; either way the same
// probabilities within float rounding, softmax or sigmoid. Other models run
// on LibTorch; another value of the variable is an error naming it.
TEST(ForwardPass, BackendFollowsTheModelAndTheEnvironment) {
  torch::manual_seed(11);
  const torch::Tensor x = torch::randn({6, 1, 40, 49});
  for (const std::string output : {"softmax", "sigmoid"}) {
    const auto bundle = InferenceBundle("ds_cnn", output);
    std::vector<float> native, torch_probs;
    {
      ScopedEnv env("EARSHOT_FORWARD", "auto");
      ForwardPass pass(bundle);
      EXPECT_STREQ(pass.backend(), "xnnpack");
      native = Probabilities(pass, x);
    }
    {
      ScopedEnv env("EARSHOT_FORWARD", "torch");
      ForwardPass pass(bundle);
      EXPECT_STREQ(pass.backend(), "libtorch");
      torch_probs = Probabilities(pass, x);
    }
    ASSERT_EQ(native.size(), torch_probs.size());
    for (size_t i = 0; i < native.size(); ++i) EXPECT_NEAR(native[i], torch_probs[i], 1e-6) << output << " " << i;
    if (output == "softmax") {
      double row = 0;
      for (int c = 0; c < 12; ++c) row += native[static_cast<size_t>(c)];
      EXPECT_NEAR(row, 1.0, 1e-5);
    }
  }
  ScopedEnv unset("EARSHOT_FORWARD", "");
  EXPECT_STREQ(ForwardPass(InferenceBundle("bc_resnet", "softmax")).backend(), "libtorch");
  ScopedEnv bad("EARSHOT_FORWARD", "fast");
  try {
    ForwardPass pass(InferenceBundle("ds_cnn", "softmax"));
    ADD_FAILURE() << "EARSHOT_FORWARD=fast accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidOption);
    EXPECT_NE(std::string(e.what()).find("EARSHOT_FORWARD should be auto | torch. Given: 'fast'"), std::string::npos)
        << e.what();
  }
}

// Threads that run one ForwardPass at once each get a plan of their own:
// every answer equals the one of a single thread.
TEST(ForwardPass, ThreadsRunningAtOnceGetTheSingleThreadAnswers) {
  ScopedEnv env("EARSHOT_FORWARD", "auto");
  torch::manual_seed(5);
  const ForwardPass pass(InferenceBundle("ds_cnn", "softmax"));
  std::vector<torch::Tensor> inputs;
  std::vector<std::vector<float>> want;
  for (int i = 0; i < 4; ++i) {
    inputs.push_back(torch::randn({1 + i, 1, 40, 49}));
    want.push_back(Probabilities(pass, inputs.back()));
  }
  std::vector<std::vector<std::vector<float>>> got(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int k = 0; k < 25; ++k) got[t].push_back(Probabilities(pass, inputs[(t + k) % 4]));
    });
  }
  for (auto& t : threads) t.join();
  for (int t = 0; t < 4; ++t) {
    for (int k = 0; k < 25; ++k) EXPECT_EQ(got[t][k], want[(t + k) % 4]) << "thread " << t << " pass " << k;
  }
}

}  // namespace
}  // namespace earshot
