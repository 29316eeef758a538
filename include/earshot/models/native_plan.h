// A model's inference pass as a chain of plain layers with their weights,
// for a runtime other than LibTorch (inference/forward_pass.h runs it on
// XNNPACK). A model that can be written so says so through
// Classifier::DescribeNative (models/zoo.h); DS-CNN does, once its batch
// norms are folded.
//
//   auto plan = model->DescribeNative({1, 40, 49});   // null: no such plan
//   plan->layers[0].kernel_h                          // 4
//
// The layers run in order on one example. Before the first pooling layer an
// example is an image [height][width][channels] (channels last); the input
// arrives as the front end lays it out, [channels][height][width]. After a
// global average pool it is a vector of channels; a dense layer maps it to
// `out_channels` values, the last one to the model's logits.
#pragma once

#include <cstdint>
#include <vector>

namespace earshot {

struct NativeLayer {
  enum class Kind { kConv2d, kGlobalAveragePool, kDense };
  Kind kind = Kind::kConv2d;
  int64_t in_channels = 0;
  int64_t out_channels = 0;  // equal to in_channels for the pool
  // kConv2d only. Padding is zeros, added on each side as given.
  int64_t groups = 1;
  int64_t kernel_h = 1, kernel_w = 1;
  int64_t stride_h = 1, stride_w = 1;
  int64_t dilation_h = 1, dilation_w = 1;
  int64_t pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;
  bool relu = false;  // max(0, x) after the layer (kConv2d and kDense)
  // kConv2d: [groups][out_channels / groups][kernel_h][kernel_w][in_channels / groups];
  // kDense: [out_channels][in_channels]. Bias: [out_channels].
  std::vector<float> weights;
  std::vector<float> bias;
};

struct NativePlan {
  std::vector<int64_t> input_shape;  // one example: [channels, height, width]
  std::vector<NativeLayer> layers;
};

}  // namespace earshot
