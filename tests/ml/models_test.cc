// The model zoo: parameter counts against the seed write-ups, shapes and
// finiteness of the logits, errors, initialisation, train vs eval mode.
#include <cmath>
#include <filesystem>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "../temp_dir.h"
#include "earshot/data/loader.h"
#include "earshot/inference/bundle.h"
#include "earshot/models/zoo.h"
#include "earshot/util/error.h"
#include "models/batch_norm_relu.h"
#include "random_batch_norms.h"

namespace earshot {
namespace {

// One model at its recipe's settings. `expected` is the exact trainable
// parameter count worked out by hand from the source's layers (0: only the
// range [lo, hi] is checked, for models whose source reports a rounded
// number).
struct Case {
  std::string label;
  std::string name;
  std::vector<std::string> settings;  // key=value, as --set
  std::vector<int64_t> shape;
  int classes;
  int64_t expected, lo, hi;
};

std::vector<Case> RecipeCases() {
  return {
      // Seed 000, 8 kHz x 1 s, 10 commands. Convs 112 + 1,424 + 4,640 +
      // 14,400; 8000 -> 95 samples x 64 = 6,080 into Dense 256
      // (1,556,736), Dense 128 (32,896), Dense 10 (1,290).
      {"seed000", "seed000_conv1d", {}, {1, 8000}, 10, 1611498, 0, 0},
      // Seed 001, |STFT| 130 bins x 126 frames, 12 labels. Skip: convs
      // 320 + 9,248 + 18,496 + 36,928 + 110,720 + 2 x 147,584 + 516,352 +
      // 2 x 590,080, Dense 480*8*7 -> 256 (6,881,536), BN 512, Dense 3,084.
      {"seed001_skip", "seed001_cnn", {}, {1, 130, 126}, 12, 9052524, 0, 0},
      {"seed001_plain", "seed001_cnn", {"skip=false"}, {1, 130, 126}, 12, 5583212, 0, 0},
      // Seed 002, 4 mel resolutions x 64 mels x 101 frames, 30 classes.
      // Stages 19,872 + 92,736 + 369,792 + 203,392 + 808,192; head
      // 3,072 -> 128 (393,344) + BN 256 + 16,512 + BN 256 + 3,870.
      {"seed002", "seed002_resmish", {}, {4, 64, 101}, 30, 1908222, 0, 0},
      // Seed 003: the counts the write-up reports (see seed003_models.cc).
      {"seed003_conv1d", "seed003_conv1d", {}, {1, 32000}, 41, 360513, 0, 0},
      {"seed003_mfcc_44k", "seed003_mfcc_cnn", {}, {1, 40, 173}, 41, 168361, 0, 0},
      {"seed003_mfcc_16k", "seed003_mfcc_cnn", {}, {1, 40, 63}, 41, 139689, 0, 0},
      {"seed003_dummy_1d", "seed003_dummy_1d", {}, {1, 32000}, 41, 82, 0, 0},
      {"seed003_dummy_2d", "seed003_dummy_2d", {}, {1, 40, 63}, 41, 82, 0, 0},
      // Seed 004, 257 bins x 98 frames, 30 words. Convs 320 + 18,496 +
      // 73,856 + 295,168; 14 x 4 x 256 = 14,336 into Dense 128 (1,835,136);
      // Dense 3,870.
      {"seed004", "seed004_cnn", {}, {1, 257, 98}, 30, 2226846, 0, 0},
      // Hello Edge, 40 features x 101 frames, 12 classes: conv 2,560 + BN
      // 128, 4 x (576 + 4,096 + 2 BN 128), Dense 780. The paper's ~24k.
      {"ds_cnn_s", "ds_cnn", {"size=s"}, {1, 40, 101}, 12, 23180, 0, 0},
      {"ds_cnn_m", "ds_cnn", {"size=m"}, {1, 40, 101}, 12, 0, 100000, 200000},
      {"ds_cnn_l", "ds_cnn", {"size=l"}, {1, 40, 101}, 12, 0, 300000, 500000},
      // BC-ResNet on 40 log-mels: the paper reports 9.2k and 321k.
      {"bc_resnet_1", "bc_resnet", {"width=1"}, {1, 40, 101}, 12, 0, 8500, 10000},
      {"bc_resnet_8", "bc_resnet", {"width=8"}, {1, 40, 101}, 12, 0, 290000, 350000},
      // MatchboxNet 3x2x64 on 64 MFCCs: the paper reports 93k.
      {"matchboxnet", "matchboxnet", {}, {1, 64, 101}, 12, 0, 80000, 100000},
      // CRNN: convs 288 + 18,432 + 36,864 and BN 320; GRU over 64 x 5
      // features, 2 directions x 3 gates x (320*64 + 64*64 + 2*64); Dense.
      {"crnn", "crnn", {}, {1, 40, 101}, 12, 205676, 0, 0},
  };
}

ModelOptions MakeOptions(const Case& c) {
  ModelOptions o;
  o.name = c.name;
  for (const auto& s : c.settings) ApplySetting(o, s);
  return o;
}

std::vector<int64_t> Batch(int64_t b, const std::vector<int64_t>& shape) {
  std::vector<int64_t> out{b};
  out.insert(out.end(), shape.begin(), shape.end());
  return out;
}

// Names the case in gtest's output instead of dumping its bytes.
void PrintTo(const Case& c, std::ostream* os) { *os << c.label; }

class RecipeModel : public ::testing::TestWithParam<Case> {};

TEST_P(RecipeModel, CountsParametersAndGivesFiniteLogits) {
  const Case& c = GetParam();
  torch::manual_seed(1);
  auto model = BuildModel(MakeOptions(c), c.shape, c.classes);
  const int64_t n = CountParameters(*model);
  std::cout << "[ params   ] " << c.label << " " << n << "\n";
  RecordProperty("parameters", std::to_string(n));
  if (c.expected > 0) {
    EXPECT_EQ(n, c.expected);
  } else {
    EXPECT_GE(n, c.lo);
    EXPECT_LE(n, c.hi);
  }

  torch::NoGradGuard no_grad;
  const torch::Tensor x = torch::randn(Batch(2, c.shape));
  for (bool training : {true, false}) {
    model->train(training);
    const torch::Tensor y = model->forward(x);
    ASSERT_EQ(y.sizes(), (std::vector<int64_t>{2, c.classes})) << "training=" << training;
    EXPECT_TRUE(torch::isfinite(y).all().item<bool>()) << "training=" << training;
  }
}

// The sizes of one training epoch's batches for 2b + 1 clips at batch b,
// as the loader makes them: never a last batch of one (data/loader.h).
std::vector<int64_t> TrainingBatchSizes(int64_t b) {
  Dataset ds;
  ds.classes = {"a"};
  ds.array_rate = 8000;
  ds.array_samples = 80;
  ds.array.assign(static_cast<size_t>((2 * b + 1) * 80), 0.1f);
  std::vector<int64_t> all;
  for (int64_t r = 0; r < 2 * b + 1; ++r) {
    ClipRef c;
    c.array_row = r;
    c.label = 0;
    ds.clips.push_back(c);
    all.push_back(r);
  }
  const LoadedClips loaded = LoadClips(ds, 8000, StoreOptions{});
  FrontEndOptions f;
  f.sample_rate = 8000;
  f.feature = "waveform";
  FrontEnd fe(f);
  LoaderOptions o;
  o.batch_size = static_cast<int>(b);
  o.clip.seconds = 0.01;
  BatchLoader loader(ds, loaded, all, fe, o, BatchLoader::Mode::kTrain);
  std::vector<int64_t> sizes;
  loader.Start(0);
  while (auto batch = loader.Next()) sizes.push_back(batch->size);
  return sizes;
}

// Every zoo model (those with batch norm after a dense layer included) takes
// a training epoch whose last clip is alone, and evaluates a batch of one
// as it would the same example in a larger batch.
TEST_P(RecipeModel, TrainsOnALastBatchOfOneAndEvaluatesABatchOfOne) {
  const Case& c = GetParam();
  torch::manual_seed(2);
  auto model = BuildModel(MakeOptions(c), c.shape, c.classes);
  static const std::vector<int64_t> sizes = TrainingBatchSizes(3);
  ASSERT_EQ(sizes, (std::vector<int64_t>{3, 4}));
  model->train(true);
  for (int64_t size : sizes) {
    const torch::Tensor x = torch::randn(Batch(size, c.shape));
    const torch::Tensor y = model->forward(x);
    ASSERT_EQ(y.sizes(), (std::vector<int64_t>{size, c.classes}));
    y.logsumexp(1).mean().backward();
    model->zero_grad();
  }
  torch::NoGradGuard no_grad;
  model->eval();
  const torch::Tensor x = torch::randn(Batch(2, c.shape));
  const torch::Tensor one = model->forward(x.slice(0, 0, 1));
  ASSERT_EQ(one.sizes(), (std::vector<int64_t>{1, c.classes}));
  const torch::Tensor two = model->forward(x);
  EXPECT_TRUE(torch::allclose(one[0], two[0], 1e-4, 1e-5)) << one << two;
}

// PrepareForInference folds the batch norms of the models that have a
// BatchNormRelu2d right after a convolution (and only those): the logits
// stay those of the model as built, within 1e-4 of their scale.
TEST_P(RecipeModel, FoldedForInferenceGivesTheSameLogits) {
  const Case& c = GetParam();
  static const std::set<std::string> kFolded = {"ds_cnn", "bc_resnet", "crnn", "seed003_mfcc_cnn"};
  torch::manual_seed(3);
  auto model = BuildModel(MakeOptions(c), c.shape, c.classes);
  testing::RandomiseBatchNorms(*model);
  model->eval();
  torch::NoGradGuard no_grad;
  const torch::Tensor x = torch::randn(Batch(3, c.shape));
  const torch::Tensor want = model->forward(x);
  PrepareForInference(*model);
  EXPECT_EQ(model->folded(), kFolded.count(c.name) == 1);
  EXPECT_FALSE(model->is_training());
  const torch::Tensor got = model->forward(x);
  const double scale = 1.0 + want.abs().max().item<double>();
  const double worst = (got - want).abs().max().item<double>();
  EXPECT_LE(worst, 1e-4 * scale) << c.label << ": logits up to " << scale - 1;
  RecordProperty("max_abs_difference", std::to_string(worst));
  // A second preparation folds nothing more.
  PrepareForInference(*model);
  EXPECT_LE((model->forward(x) - want).abs().max().item<double>(), 1e-4 * scale);
}

INSTANTIATE_TEST_SUITE_P(Zoo, RecipeModel, ::testing::ValuesIn(RecipeCases()),
                         [](const auto& info) { return info.param.label; });

TEST(Zoo, EveryNamedModelHasARecipeCaseAndASummary) {
  std::set<std::string> covered;
  for (const auto& c : RecipeCases()) covered.insert(c.name);
  for (const auto& name : ModelNames()) {
    EXPECT_TRUE(covered.count(name)) << name;
    EXPECT_FALSE(ModelSummary(name).empty()) << name;
  }
  EXPECT_EQ(covered.size(), ModelNames().size());
}

TEST(Zoo, Seed004SizeMatchesTheSavedModel) {
  // The write-up's saved model was 25 MB: float32 weights plus Adadelta's
  // two accumulators per weight, which Keras saves with the model.
  ModelOptions o;
  o.name = "seed004_cnn";
  const double bytes = 3.0 * 4.0 * CountParameters(*BuildModel(o, {1, 257, 98}, 30));
  EXPECT_NEAR(bytes / (1 << 20), 25.0, 1.0);
}

// Runs `body`, expecting an earshot::Error of `kind` whose message contains
// every one of `parts`.
template <typename F>
void ExpectError(F body, ErrorKind kind, const std::vector<std::string>& parts) {
  try {
    body();
    ADD_FAILURE() << "no error thrown";
  } catch (const Error& e) {
    std::cout << "[ message  ] " << e.what() << "\n";
    EXPECT_EQ(static_cast<int>(e.kind()), static_cast<int>(kind)) << e.what();
    for (const auto& p : parts) EXPECT_NE(std::string(e.what()).find(p), std::string::npos)
        << "'" << p << "' not in: " << e.what();
  }
}

TEST(ZooErrors, UnknownNameListsTheKnownOnes) {
  ModelOptions o;
  o.name = "resnet9000";
  ExpectError([&] { BuildModel(o, {1, 40, 101}, 12); }, ErrorKind::kInvalidOption,
              {"--model.name", "resnet9000", "seed000_conv1d", "seed003_mfcc_cnn", "bc_resnet", "crnn"});
  ExpectError([&] { ModelSummary("resnet9000"); }, ErrorKind::kInvalidOption,
              {"resnet9000", "matchboxnet"});
}

TEST(ZooErrors, OptionsOutOfRangeNameOptionValueAndLimit) {
  ModelOptions o;
  ApplySetting(o, "width=9");
  ExpectError([&] { ValidateOptions(o, "model"); }, ErrorKind::kInvalidOption, {"--model.width", "[1, 8]", "Given: 9"});
  o = ModelOptions();
  ApplySetting(o, "dropout=1.5");
  ExpectError([&] { ValidateOptions(o, "model"); }, ErrorKind::kInvalidOption, {"--model.dropout", "[0, 1)", "1.5"});
  o = ModelOptions();
  ApplySetting(o, "size=xl");
  ExpectError([&] { ValidateOptions(o, "model"); }, ErrorKind::kInvalidOption, {"--model.size", "s | m | l", "'xl'"});
  o = ModelOptions();
  ApplySetting(o, "matchbox_repeats=0");
  ExpectError([&] { BuildModel(o, {1, 64, 101}, 12); }, ErrorKind::kInvalidOption,
              {"--model.matchbox_repeats", "[1, 16]", "Given: 0"});
}

TEST(ZooErrors, ShapesAModelCannotTakeNameModelShapeAndLimit) {
  ModelOptions o;
  o.name = "seed004_cnn";
  // Four valid 3x3 convs and 2x2 pools: 46 bins -> 22 -> 10 -> 4 -> 1.
  ExpectError([&] { BuildModel(o, {1, 20, 98}, 30); }, ErrorKind::kMismatch,
              {"seed004_cnn", "at least 46 frequency bins", "Given: 20", "[1, 20, 98]"});
  o.name = "seed003_mfcc_cnn";
  ExpectError([&] { BuildModel(o, {1, 40, 10}, 41); }, ErrorKind::kMismatch,
              {"seed003_mfcc_cnn", "at least 16 frames", "[1, 40, 10]"});
  o.name = "seed000_conv1d";
  ExpectError([&] { BuildModel(o, {1, 40, 101}, 10); }, ErrorKind::kMismatch,
              {"seed000_conv1d", "[channels, samples]", "[1, 40, 101]"});
  ExpectError([&] { BuildModel(o, {1, 100}, 10); }, ErrorKind::kMismatch,
              {"seed000_conv1d", "samples", "[1, 100]"});
  ExpectError([&] { BuildModel(o, {1, 8000}, 0); }, ErrorKind::kMismatch,
              {"num_classes", "Given: 0"});
  ExpectError([&] { BuildModel(o, {1, 0}, 10); }, ErrorKind::kMismatch, {"[1, 0]"});
  // 64 mels give stage sizes 32, 16, 8, 8: no five equal sub-bands.
  o.name = "bc_resnet";
  ExpectError([&] { BuildModel(o, {1, 64, 101}, 12); }, ErrorKind::kMismatch,
              {"bc_resnet", "subbands = 5", "32, 16, 8, 8", "[1, 64, 101]"});
  ApplySetting(o, "subbands=4");
  EXPECT_EQ(BuildModel(o, {1, 64, 101}, 12)->forward(torch::randn({2, 1, 64, 101})).size(1), 12);
}

TEST(ZooErrors, TheSmallestShapeNamedIsAccepted) {
  ModelOptions o;
  o.name = "seed004_cnn";
  auto model = BuildModel(o, {1, 46, 46}, 3);
  model->eval();
  EXPECT_EQ(model->forward(torch::randn({2, 1, 46, 46})).sizes(), (std::vector<int64_t>{2, 3}));
}

TEST(ZooModes, AModelFoldedForInferenceIsNotSaved) {
  ModelOptions o;
  auto model = BuildModel(o, {1, 40, 49}, 3);
  PrepareForInference(*model);
  ASSERT_TRUE(model->folded());
  const std::string path = (testing::ScratchDir("folded_save") / "m.bundle").string();
  try {
    SaveBundle(path, BundleInfo{}, *model);
    FAIL() << "a folded model was saved";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot be saved"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(ZooModes, DropoutMakesTrainingRandomAndEvalDeterministic) {
  ModelOptions o;
  o.name = "seed000_conv1d";
  torch::manual_seed(3);
  auto model = BuildModel(o, {1, 8000}, 10);
  torch::NoGradGuard no_grad;
  const torch::Tensor x = torch::randn({2, 1, 8000});
  model->train();
  const torch::Tensor t1 = model->forward(x), t2 = model->forward(x);
  EXPECT_GT((t1 - t2).abs().max().item<double>(), 1e-6);
  model->eval();
  const torch::Tensor e1 = model->forward(x), e2 = model->forward(x);
  EXPECT_TRUE(torch::equal(e1, e2));
  EXPECT_GT((t1 - e1).abs().max().item<double>(), 1e-6);

  // dropout = 0 switches every dropout layer off: seed 000 has no
  // BatchNorm, so training and eval then agree.
  ApplySetting(o, "dropout=0");
  auto plain = BuildModel(o, {1, 8000}, 10);
  plain->train();
  const torch::Tensor p1 = plain->forward(x);
  plain->eval();
  EXPECT_TRUE(torch::allclose(p1, plain->forward(x)));
}

TEST(ZooInit, KerasSeedsUseGlorotUniformAndZeroBias) {
  ModelOptions o;
  o.name = "seed004_cnn";
  torch::manual_seed(5);
  auto model = BuildModel(o, {1, 257, 98}, 30);
  bool checked = false;
  for (const auto& p : model->named_parameters()) {
    if (p.key().find("bias") != std::string::npos) {
      EXPECT_EQ(p.value().abs().max().item<double>(), 0.0) << p.key();
    }
    if (p.value().sizes() == torch::IntArrayRef({256, 128, 3, 3})) {
      // Glorot uniform: U(-l, l), l = sqrt(6 / (fan_in + fan_out)).
      const double limit = std::sqrt(6.0 / (128 * 9 + 256 * 9));
      EXPECT_LE(p.value().abs().max().item<double>(), limit);
      EXPECT_NEAR(p.value().std().item<double>(), limit / std::sqrt(3.0), 0.02 * limit);
      checked = true;
    }
  }
  EXPECT_TRUE(checked);
}

TEST(ZooInit, Seed002UsesTruncatedHeNormal) {
  ModelOptions o;
  o.name = "seed002_resmish";
  torch::manual_seed(7);
  auto model = BuildModel(o, {4, 64, 101}, 30);
  int checked = 0;
  for (const auto& p : model->named_parameters()) {
    if (p.value().sizes() == torch::IntArrayRef({128, 128, 3, 3})) {
      // std sqrt(2 / fan_in) after truncation at two (pre-truncation) stds.
      const double std = std::sqrt(2.0 / (128 * 9));
      EXPECT_NEAR(p.value().std().item<double>(), std, 0.03 * std) << p.key();
      EXPECT_LE(p.value().abs().max().item<double>(), 2 * std / 0.87962566103423978 + 1e-6);
      EXPECT_NEAR(p.value().mean().item<double>(), 0.0, 0.02 * std);
      ++checked;
    }
  }
  EXPECT_GE(checked, 3);
}

TEST(ZooInit, KerasBatchNormSettings) {
  ModelOptions o;
  o.name = "seed003_mfcc_cnn";
  auto model = BuildModel(o, {1, 40, 63}, 41);
  int norms = 0;
  auto check = [&norms](const torch::nn::BatchNormOptions& options) {
    EXPECT_DOUBLE_EQ(options.momentum().value(), 0.01);
    EXPECT_DOUBLE_EQ(options.eps(), 1e-3);
    ++norms;
  };
  for (const auto& m : model->modules()) {
    // Plain or fused with the ReLU after it (src/models/batch_norm_relu.h).
    if (auto* bn = m->as<torch::nn::BatchNorm2dImpl>()) check(bn->options);
    if (auto* bn = m->as<models::BatchNormRelu2dImpl>()) check(bn->options);
  }
  EXPECT_EQ(norms, 4);
}

}  // namespace
}  // namespace earshot
