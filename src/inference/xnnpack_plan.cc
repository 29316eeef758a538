#include "xnnpack_plan.h"

#include <xnnpack.h>

#include <algorithm>
#include <limits>
#include <mutex>
#include <string>
#include <vector>

#include "earshot/util/error.h"

namespace earshot {
namespace {

[[noreturn]] void Refused(const std::string& what, xnn_status status) {
  throw Error(ErrorKind::kInternal, "XNNPACK: " + what + " failed (status " + std::to_string(status) +
                                        "); EARSHOT_FORWARD=torch runs the model on LibTorch instead");
}

void InitialiseOnce() {
  static std::once_flag once;
  static xnn_status status = xnn_status_success;
  std::call_once(once, [] { status = xnn_initialize(nullptr); });
  if (status != xnn_status_success) Refused("initialisation", status);
}

[[noreturn]] void BadPlan(size_t layer, const std::string& what) {
  throw Error(ErrorKind::kInternal, "native plan, layer " + std::to_string(layer + 1) + ": " + what);
}

void CheckLayer(xnn_status status, size_t layer, const char* what) {
  if (status != xnn_status_success) Refused("layer " + std::to_string(layer + 1) + " (" + what + ")", status);
}

struct DeleteOperator {
  void operator()(xnn_operator_t op) const { xnn_delete_operator(op); }
};
using Operator = std::unique_ptr<xnn_operator, DeleteOperator>;

}  // namespace

struct XnnpackPlan::Impl {
  struct Step {
    NativeLayer::Kind kind;
    Operator op;
    int64_t in_h = 1, in_w = 1;  // per example, for the convolutions and the pool
    int64_t out_size = 0;        // floats per example
  };
  std::vector<int64_t> input_shape;
  std::vector<Step> steps;
  int64_t outputs = 0;
  int64_t largest = 0;  // floats per example of the largest layer output
  pthreadpool_t pool = nullptr;
  // The input in channels-last order and two buffers the layers alternate
  // between, each with the slack XNNPACK's kernels may read past the end.
  std::vector<float> input, ping, pong;

  ~Impl() {
    if (pool) pthreadpool_destroy(pool);
  }
};

XnnpackPlan::XnnpackPlan(const NativePlan& plan, int threads) : impl_(std::make_unique<Impl>()) {
  InitialiseOnce();
  if (plan.input_shape.size() != 3 || plan.layers.empty()) {
    throw Error(ErrorKind::kInternal, "native plan: an input [channels, height, width] and at least one layer");
  }
  Impl& m = *impl_;
  m.input_shape = plan.input_shape;
  m.steps.reserve(plan.layers.size());
  int64_t c = plan.input_shape[0], h = plan.input_shape[1], w = plan.input_shape[2];
  bool image = true;
  const float inf = std::numeric_limits<float>::infinity();
  for (size_t i = 0; i < plan.layers.size(); ++i) {
    const NativeLayer& l = plan.layers[i];
    m.steps.emplace_back();
    Impl::Step& s = m.steps.back();
    s.kind = l.kind;
    s.in_h = h;
    s.in_w = w;
    if (l.in_channels != c) {
      BadPlan(i, "takes " + std::to_string(l.in_channels) + " channels, is given " + std::to_string(c));
    }
    const float low = l.relu ? 0.f : -inf;
    xnn_operator_t op = nullptr;
    switch (l.kind) {
      case NativeLayer::Kind::kConv2d: {
        if (!image) BadPlan(i, "a convolution after the pool");
        if (l.groups < 1 || l.in_channels % l.groups || l.out_channels % l.groups) {
          BadPlan(i, "channels not divisible by the groups");
        }
        const int64_t gin = l.in_channels / l.groups, gout = l.out_channels / l.groups;
        if (static_cast<int64_t>(l.weights.size()) != l.out_channels * l.kernel_h * l.kernel_w * gin ||
            static_cast<int64_t>(l.bias.size()) != l.out_channels) {
          BadPlan(i, "weights or bias of another size than the layer's");
        }
        const int64_t span_h = l.dilation_h * (l.kernel_h - 1) + 1, span_w = l.dilation_w * (l.kernel_w - 1) + 1;
        const int64_t ph = h + l.pad_top + l.pad_bottom, pw = w + l.pad_left + l.pad_right;
        if (ph < span_h || pw < span_w) BadPlan(i, "an input smaller than the kernel");
        h = (ph - span_h) / l.stride_h + 1;
        w = (pw - span_w) / l.stride_w + 1;
        c = l.out_channels;
        const auto u = [](int64_t v) { return static_cast<uint32_t>(v); };
        CheckLayer(xnn_create_convolution2d_nhwc_f32(
                  u(l.pad_top), u(l.pad_right), u(l.pad_bottom), u(l.pad_left), u(l.kernel_h), u(l.kernel_w),
                  u(l.stride_h), u(l.stride_w), u(l.dilation_h), u(l.dilation_w), u(l.groups),
                  static_cast<size_t>(gin), static_cast<size_t>(gout), static_cast<size_t>(l.in_channels),
                  static_cast<size_t>(l.out_channels), l.weights.data(), l.bias.data(), low, inf, 0, &op),
                   i, "convolution");
        s.out_size = h * w * c;
        s.op.reset(op);
        break;
      }
      case NativeLayer::Kind::kGlobalAveragePool:
        if (!image) BadPlan(i, "a second pool");
        image = false;
        CheckLayer(xnn_create_global_average_pooling_nwc_f32(static_cast<size_t>(c), static_cast<size_t>(c),
                                                             static_cast<size_t>(c), -inf, inf, 0, &op),
                   i, "pool");
        s.out_size = c;
        s.op.reset(op);
        break;
      case NativeLayer::Kind::kDense:
        if (image) BadPlan(i, "a dense layer before the pool");
        if (static_cast<int64_t>(l.weights.size()) != l.out_channels * l.in_channels ||
            static_cast<int64_t>(l.bias.size()) != l.out_channels) {
          BadPlan(i, "weights or bias of another size than the layer's");
        }
        c = l.out_channels;
        CheckLayer(xnn_create_fully_connected_nc_f32(static_cast<size_t>(l.in_channels), static_cast<size_t>(c),
                                                     static_cast<size_t>(l.in_channels), static_cast<size_t>(c),
                                                     l.weights.data(), l.bias.data(), low, inf, 0, &op),
                   i, "dense");
        s.out_size = c;
        s.op.reset(op);
        break;
    }
  }
  if (image) throw Error(ErrorKind::kInternal, "native plan: ends before its pool, not one value per channel");
  m.outputs = c;
  for (const auto& s : m.steps) m.largest = std::max(m.largest, s.out_size);
  if (threads > 1) m.pool = pthreadpool_create(static_cast<size_t>(threads));
}

XnnpackPlan::~XnnpackPlan() = default;

int64_t XnnpackPlan::outputs() const { return impl_->outputs; }

void XnnpackPlan::Run(const float* x, int64_t count, float* out) {
  Impl& m = *impl_;
  if (count < 1) return;
  const int64_t channels = m.input_shape[0], pixels = m.input_shape[1] * m.input_shape[2];
  const size_t slack = XNN_EXTRA_BYTES / sizeof(float);
  const auto fit = [&](std::vector<float>& v, int64_t per_example) {
    const size_t need = static_cast<size_t>(count * per_example) + slack;
    if (v.size() < need) v.resize(need);
  };
  fit(m.input, channels * pixels);
  fit(m.ping, m.largest);
  fit(m.pong, m.largest);
  // [channels][pixels] -> [pixels][channels] per example (a copy when one channel).
  for (int64_t e = 0; e < count; ++e) {
    const float* src = x + e * channels * pixels;
    float* dst = m.input.data() + e * channels * pixels;
    for (int64_t ch = 0; ch < channels; ++ch) {
      for (int64_t p = 0; p < pixels; ++p) dst[p * channels + ch] = src[ch * pixels + p];
    }
  }
  const float* in = m.input.data();
  const size_t n = static_cast<size_t>(count);
  for (size_t i = 0; i < m.steps.size(); ++i) {
    Impl::Step& s = m.steps[i];
    float* to = i + 1 == m.steps.size() ? out : (i % 2 ? m.pong.data() : m.ping.data());
    switch (s.kind) {
      case NativeLayer::Kind::kConv2d:
        CheckLayer(xnn_setup_convolution2d_nhwc_f32(s.op.get(), n, static_cast<size_t>(s.in_h),
                                                    static_cast<size_t>(s.in_w), in, to, m.pool),
                   i, "convolution");
        break;
      case NativeLayer::Kind::kGlobalAveragePool:
        CheckLayer(xnn_setup_global_average_pooling_nwc_f32(s.op.get(), n, static_cast<size_t>(s.in_h * s.in_w),
                                                            in, to, m.pool),
                   i, "pool");
        break;
      case NativeLayer::Kind::kDense:
        CheckLayer(xnn_setup_fully_connected_nc_f32(s.op.get(), n, in, to, m.pool), i, "dense");
        break;
    }
    CheckLayer(xnn_run_operator(s.op.get(), m.pool), i, "run");
    in = to;
  }
}

}  // namespace earshot
