// The forward pass of an inference bundle: probabilities for a batch of
// examples laid out as the front end makes them. The predictor and the
// streaming detector both run their models through it.
//
//   ForwardPass pass(LoadInferenceBundle("run/best.bundle"));
//   pass.Run(features, count, probs);   // probs: count x labels
//   pass.backend()                      // "xnnpack" or "libtorch"
//
// A model that describes itself as plain layers (Classifier::DescribeNative:
// DS-CNN) runs on XNNPACK, its weights packed once, one set of operators
// per thread that runs it at the same time; any other on LibTorch. The
// environment variable EARSHOT_FORWARD chooses: `auto` (or unset) as above,
// `torch` LibTorch for every model. The two give the same probabilities
// within float rounding (tests/ml/native_forward_test.cc). Run is safe to
// call from several threads at once.
#pragma once

#include <cstdint>
#include <memory>

namespace earshot {

struct Bundle;

class ForwardPass {
 public:
  // Throws Error(kInvalidOption) naming EARSHOT_FORWARD when it holds another value.
  explicit ForwardPass(std::shared_ptr<const Bundle> bundle);
  ~ForwardPass();
  ForwardPass(const ForwardPass&) = delete;
  ForwardPass& operator=(const ForwardPass&) = delete;

  // x: `count` examples of the bundle's example_shape, one after another;
  // out: count rows of the bundle's labels, the model's output activation
  // applied (BundleInfo::output).
  void Run(const float* x, int64_t count, float* out) const;
  const char* backend() const;
  // The bundle it runs; the pass holds it (a predictor or detector built
  // on the pass needs no reference of its own).
  const std::shared_ptr<const Bundle>& bundle() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace earshot
