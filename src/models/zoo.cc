#include "earshot/models/zoo.h"

#include <utility>

#include "batch_norm_relu.h"
#include "earshot/util/error.h"
#include "layers.h"

namespace earshot {

std::shared_ptr<Classifier> BuildModel(const ModelOptions& options,
                                       const std::vector<int64_t>& example_shape,
                                       int num_classes) {
  ValidateOptions(options, "model");
  if (num_classes < 1) {
    ThrowMismatch("model '" + options.name + "' needs num_classes >= 1. Given: " +
                  std::to_string(num_classes));
  }
  for (int64_t d : example_shape) {
    if (d < 1) {
      ThrowMismatch("model '" + options.name + "': every dimension of the input shape should be " +
                    ">= 1. Given: " + models::ShapeText(example_shape));
    }
  }
  static const std::pair<const char*, models::Builder> kBuilders[] = {
      {"seed000_conv1d", models::BuildSeed000Conv1d},
      {"seed001_cnn", models::BuildSeed001Cnn},
      {"seed002_resmish", models::BuildSeed002ResMish},
      {"seed003_conv1d", models::BuildSeed003Conv1d},
      {"seed003_mfcc_cnn", models::BuildSeed003MfccCnn},
      {"seed003_dummy_1d", models::BuildSeed003Dummy1d},
      {"seed003_dummy_2d", models::BuildSeed003Dummy2d},
      {"seed004_cnn", models::BuildSeed004Cnn},
      {"ds_cnn", models::BuildDsCnn},
      {"bc_resnet", models::BuildBcResNet},
      {"matchboxnet", models::BuildMatchboxNet},
      {"crnn", models::BuildCrnn},
  };
  for (const auto& [name, build] : kBuilders) {
    if (options.name == name) return build(options, example_shape, num_classes);
  }
  throw Error(ErrorKind::kInternal, "model '" + options.name + "' is listed but has no builder");
}

torch::Tensor Probabilities(const std::string& output, const torch::Tensor& logits) {
  if (output == "softmax") return torch::softmax(logits, -1);
  if (output == "sigmoid") return torch::sigmoid(logits);
  ThrowOption("model output should be softmax | sigmoid. Given: '" + output + "'");
}

std::shared_ptr<const NativePlan> Classifier::DescribeNative(const std::vector<int64_t>& /*example_shape*/) const {
  return nullptr;
}

void Classifier::FoldBatchNorms() {
  for (const auto& m : modules(/*include_self=*/true)) {
    const auto* seq = m->as<torch::nn::SequentialImpl>();
    if (!seq) continue;
    for (size_t i = 0; i + 1 < seq->size(); ++i) {
      auto* conv = seq->ptr(i)->as<torch::nn::Conv2dImpl>();
      auto* norm = seq->ptr(i + 1)->as<models::BatchNormRelu2dImpl>();
      if (conv && norm && norm->FoldInto(*conv)) folded_ = true;
    }
  }
}

void PrepareForInference(Classifier& model) {
  model.eval();
  model.FoldBatchNorms();
}

int64_t CountParameters(const torch::nn::Module& module) {
  int64_t n = 0;
  for (const auto& p : module.parameters()) {
    if (p.requires_grad()) n += p.numel();
  }
  return n;
}

}  // namespace earshot
