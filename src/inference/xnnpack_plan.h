// A NativePlan (models/native_plan.h) built as XNNPACK operators: the
// weights packed once, then any number of passes. Single-threaded use: one
// plan per thread (inference/forward_pass.h keeps a pool of them).
//
//   XnnpackPlan plan(*model->DescribeNative(shape), /*threads=*/1);
//   plan.Run(features, count, logits);   // logits: count x plan.outputs()
//
// The logits equal LibTorch's for the same layers within float rounding
// (another order of the sums; tests/ml/native_forward_test.cc).
#pragma once

#include <cstdint>
#include <memory>

#include "earshot/models/native_plan.h"

namespace earshot {

class XnnpackPlan {
 public:
  // `threads` above 1 runs each operator on a pool of that many threads.
  // Throws Error(kInternal) naming the layer XNNPACK refuses, or a plan
  // whose shapes do not chain (a convolution after the pool, channels that
  // differ, an output of more than one value per channel).
  XnnpackPlan(const NativePlan& plan, int threads);
  ~XnnpackPlan();
  XnnpackPlan(const XnnpackPlan&) = delete;
  XnnpackPlan& operator=(const XnnpackPlan&) = delete;

  // x: `count` examples laid out as plan.input_shape; out: count x outputs().
  void Run(const float* x, int64_t count, float* out);
  int64_t outputs() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace earshot
