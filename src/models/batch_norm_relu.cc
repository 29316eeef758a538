#include "batch_norm_relu.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

namespace earshot {
namespace models {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

// The per-plane loops work on four floats at a time (GCC/Clang vector
// extensions: one SSE register on any x86-64), with two accumulators, so
// every sum has eight lanes and the same order on every machine; the planes
// of a channel are then added in double.
typedef float Floats4 __attribute__((vector_size(16)));
typedef int32_t Ints4 __attribute__((vector_size(16)));
constexpr int64_t kStep = 8;  // two vectors an iteration

inline Floats4 Load(const float* p) {
  Floats4 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void Store(float* p, Floats4 v) { std::memcpy(p, &v, sizeof v); }
inline Floats4 Splat(float x) { return Floats4{x, x, x, x}; }
inline Floats4 KeepWhere(Ints4 mask, Floats4 v) {
  return reinterpret_cast<Floats4>(mask & reinterpret_cast<Ints4>(v));
}
inline float AddLanes(Floats4 a, Floats4 b) {
  const Floats4 v = a + b;
  return (v[0] + v[1]) + (v[2] + v[3]);
}

// Sum of p[0, size).
float PlaneSum(const float* p, int64_t size) {
  Floats4 a{}, b{};
  int64_t i = 0;
  for (; i + kStep <= size; i += kStep) {
    a += Load(p + i);
    b += Load(p + i + 4);
  }
  float tail = 0.f;
  for (; i < size; ++i) tail += p[i];
  return AddLanes(a, b) + tail;
}

// Sum of (p - mean)^2.
float PlaneSquares(const float* p, int64_t size, float mean) {
  Floats4 a{}, b{};
  const Floats4 m = Splat(mean);
  int64_t i = 0;
  for (; i + kStep <= size; i += kStep) {
    const Floats4 d0 = Load(p + i) - m, d1 = Load(p + i + 4) - m;
    a += d0 * d0;
    b += d1 * d1;
  }
  float tail = 0.f;
  for (; i < size; ++i) tail += (p[i] - mean) * (p[i] - mean);
  return AddLanes(a, b) + tail;
}

// out = max(p * scale + shift, 0).
void PlaneAffineRelu(const float* p, int64_t size, float scale, float shift, float* out) {
  const Floats4 a = Splat(scale), b = Splat(shift), zero{};
  int64_t i = 0;
  for (; i + 4 <= size; i += 4) {
    const Floats4 v = Load(p + i) * a + b;
    Store(out + i, KeepWhere(v > zero, v));
  }
  for (; i < size; ++i) out[i] = std::max(p[i] * scale + shift, 0.f);
}

// The ReLU passes the gradient g where its output y is positive: adds the
// sums of that gated gradient and of it times (x - mean).
void PlaneGradSums(const float* g, const float* y, const float* x, int64_t size, float mean,
                   double& sum_g, double& sum_gx) {
  Floats4 g0{}, g1{}, gx0{}, gx1{};
  const Floats4 m = Splat(mean), zero{};
  int64_t i = 0;
  for (; i + kStep <= size; i += kStep) {
    const Floats4 a = KeepWhere(Load(y + i) > zero, Load(g + i));
    const Floats4 b = KeepWhere(Load(y + i + 4) > zero, Load(g + i + 4));
    g0 += a;
    g1 += b;
    gx0 += a * (Load(x + i) - m);
    gx1 += b * (Load(x + i + 4) - m);
  }
  float tail_g = 0.f, tail_gx = 0.f;
  for (; i < size; ++i) {
    const float gated = y[i] > 0.f ? g[i] : 0.f;
    tail_g += gated;
    tail_gx += gated * (x[i] - mean);
  }
  sum_g += AddLanes(g0, g1) + tail_g;
  sum_gx += AddLanes(gx0, gx1) + tail_gx;
}

// out = k (gated g - a - (x - mean) slope).
void PlaneGradInput(const float* g, const float* y, const float* x, int64_t size, float mean,
                    float k, float a, float slope, float* out) {
  const Floats4 vm = Splat(mean), vk = Splat(k), va = Splat(a), vs = Splat(slope), zero{};
  int64_t i = 0;
  for (; i + 4 <= size; i += 4) {
    const Floats4 gated = KeepWhere(Load(y + i) > zero, Load(g + i));
    Store(out + i, vk * (gated - va - (Load(x + i) - vm) * vs));
  }
  for (; i < size; ++i) {
    const float gated = y[i] > 0.f ? g[i] : 0.f;
    out[i] = k * (gated - a - (x[i] - mean) * slope);
  }
}

class FusedBatchNormRelu : public torch::autograd::Function<FusedBatchNormRelu> {
 public:
  // Updates running_mean and running_var in place, as BatchNorm2d does.
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& input,
                               const torch::Tensor& weight, const torch::Tensor& bias,
                               torch::Tensor running_mean, torch::Tensor running_var,
                               double momentum, double eps) {
    const torch::Tensor x = input.contiguous();
    const torch::Tensor w = weight.contiguous(), b = bias.contiguous();
    const int64_t batch = x.size(0), channels = x.size(1), plane = x.numel() / (batch * channels);
    const double count = static_cast<double>(batch * plane);
    torch::Tensor y = torch::empty_like(x);
    torch::Tensor mean = torch::empty({channels}, x.options());
    torch::Tensor invstd = torch::empty({channels}, x.options());
    const float* xp = x.data_ptr<float>();
    const float* wp = w.data_ptr<float>();
    const float* bp = b.data_ptr<float>();
    float* yp = y.data_ptr<float>();
    float* mp = mean.data_ptr<float>();
    float* sp = invstd.data_ptr<float>();
    float* rm = running_mean.data_ptr<float>();
    float* rv = running_var.data_ptr<float>();
    // One channel per task: its sums run in one order whatever the threads.
    at::parallel_for(0, channels, 1, [&](int64_t begin, int64_t end) {
      for (int64_t c = begin; c < end; ++c) {
        double sum = 0.0;
        for (int64_t n = 0; n < batch; ++n) {
          sum += PlaneSum(xp + (n * channels + c) * plane, plane);
        }
        const float m = static_cast<float>(sum / count);
        double squares = 0.0;  // two passes: no cancellation when |mean| >> std
        for (int64_t n = 0; n < batch; ++n) {
          squares += PlaneSquares(xp + (n * channels + c) * plane, plane, m);
        }
        const float s = static_cast<float>(1.0 / std::sqrt(squares / count + eps));
        const float scale = wp[c] * s, shift = bp[c] - m * scale;
        for (int64_t n = 0; n < batch; ++n) {
          const int64_t at = (n * channels + c) * plane;
          PlaneAffineRelu(xp + at, plane, scale, shift, yp + at);
        }
        mp[c] = m;
        sp[c] = s;
        rm[c] = static_cast<float>((1.0 - momentum) * rm[c] + momentum * m);
        rv[c] = static_cast<float>((1.0 - momentum) * rv[c] + momentum * squares / (count - 1.0));
      }
    });
    ctx->save_for_backward({x, y, weight, mean, invstd});
    return y;
  }

  static tensor_list backward(AutogradContext* ctx, tensor_list grad_outputs) {
    const auto saved = ctx->get_saved_variables();
    const torch::Tensor& x = saved[0];
    const torch::Tensor& y = saved[1];
    const torch::Tensor w = saved[2].contiguous();
    const torch::Tensor& mean = saved[3];
    const torch::Tensor& invstd = saved[4];
    const torch::Tensor g = grad_outputs[0].contiguous();
    const int64_t batch = x.size(0), channels = x.size(1), plane = x.numel() / (batch * channels);
    const double count = static_cast<double>(batch * plane);
    torch::Tensor dx = torch::empty_like(x);
    torch::Tensor dw = torch::empty({channels}, w.options());
    torch::Tensor db = torch::empty({channels}, w.options());
    const float* xp = x.data_ptr<float>();
    const float* yp = y.data_ptr<float>();
    const float* gp = g.data_ptr<float>();
    const float* wp = w.data_ptr<float>();
    const float* mp = mean.data_ptr<float>();
    const float* sp = invstd.data_ptr<float>();
    float* dxp = dx.data_ptr<float>();
    float* dwp = dw.data_ptr<float>();
    float* dbp = db.data_ptr<float>();
    at::parallel_for(0, channels, 1, [&](int64_t begin, int64_t end) {
      for (int64_t c = begin; c < end; ++c) {
        const float m = mp[c], s = sp[c];
        double sum_g = 0.0, sum_gx = 0.0;
        for (int64_t n = 0; n < batch; ++n) {
          const int64_t at = (n * channels + c) * plane;
          PlaneGradSums(gp + at, yp + at, xp + at, plane, m, sum_g, sum_gx);
        }
        dwp[c] = static_cast<float>(sum_gx * s);
        dbp[c] = static_cast<float>(sum_g);
        // dx = w s (g' - mean(g') - x_hat mean(g' x_hat)), g' the gated gradient.
        const float k = wp[c] * s;
        const float a = static_cast<float>(sum_g / count);
        const float slope = static_cast<float>(sum_gx * s * s / count);
        for (int64_t n = 0; n < batch; ++n) {
          const int64_t at = (n * channels + c) * plane;
          PlaneGradInput(gp + at, yp + at, xp + at, plane, m, k, a, slope, dxp + at);
        }
      }
    });
    return {dx, dw, db, torch::Tensor(), torch::Tensor(), torch::Tensor(), torch::Tensor()};
  }
};

}  // namespace

BatchNormRelu2dImpl::BatchNormRelu2dImpl(const torch::nn::BatchNormOptions& options)
    : options(options) {
  reset();
}

void BatchNormRelu2dImpl::reset() {
  const int64_t n = options.num_features();
  weight = register_parameter("weight", options.affine() ? torch::ones({n}) : torch::Tensor(),
                              options.affine());
  bias = register_parameter("bias", options.affine() ? torch::zeros({n}) : torch::Tensor(),
                            options.affine());
  const bool track = options.track_running_stats();
  running_mean = register_buffer("running_mean", track ? torch::zeros({n}) : torch::Tensor());
  running_var = register_buffer("running_var", track ? torch::ones({n}) : torch::Tensor());
  num_batches_tracked = register_buffer(
      "num_batches_tracked", track ? torch::zeros({}, torch::kLong) : torch::Tensor());
}

bool BatchNormRelu2dImpl::FoldInto(torch::nn::Conv2dImpl& conv) {
  const int64_t n = options.num_features();
  if (folded_ || is_training() || !options.track_running_stats() || conv.options.out_channels() != n ||
      conv.options.transposed() || !conv.weight.defined()) {
    return false;
  }
  torch::NoGradGuard no_grad;
  // y = (x - mean) / sqrt(var + eps) * weight + bias = x * scale + shift,
  // computed in double and rounded once.
  const auto f64 = torch::kFloat64;
  torch::Tensor scale = (running_var.to(f64) + options.eps()).rsqrt();
  if (options.affine()) scale = scale * weight.to(f64);
  torch::Tensor shift = -running_mean.to(f64) * scale;
  if (options.affine()) shift = shift + bias.to(f64);
  if (conv.bias.defined()) shift = shift + conv.bias.to(f64) * scale;
  std::vector<int64_t> per_channel(static_cast<size_t>(conv.weight.dim()), 1);
  per_channel[0] = n;
  conv.weight.copy_(conv.weight.to(f64) * scale.view(per_channel));
  if (conv.bias.defined()) {
    conv.bias.copy_(shift);
  } else {
    // A Conv2d built without a bias has it registered undefined; forward
    // reads the member.
    conv.bias = shift.to(conv.weight.scalar_type());
  }
  folded_ = true;
  return true;
}

torch::Tensor BatchNormRelu2dImpl::forward(const torch::Tensor& x) {
  TORCH_CHECK(x.dim() == 4, "BatchNormRelu2d: expected 4D input (got ", x.dim(), "D input)");
  if (folded_) return torch::relu(x);
  TORCH_CHECK(!is_training() || x.numel() / std::max<int64_t>(x.size(1), 1) > 1,
              "BatchNormRelu2d: expected more than 1 value per channel when training, got input size ",
              x.sizes());
  const bool track = options.track_running_stats();
  double factor = 0.0;  // weight of this batch in the running statistics
  if (is_training() && track) {
    torch::NoGradGuard no_grad;
    num_batches_tracked += 1;
    factor = options.momentum() ? *options.momentum() : 1.0 / num_batches_tracked.item<double>();
  }
  const bool fusable = is_training() && options.affine() && track && x.device().is_cpu() &&
                       x.scalar_type() == torch::kFloat32 && x.size(1) == options.num_features();
  if (!fusable) {
    return torch::relu(torch::batch_norm(x, weight, bias, running_mean, running_var,
                                         is_training() || !track, factor, options.eps(),
                                         /*cudnn_enabled=*/false));
  }
  return FusedBatchNormRelu::apply(x, weight, bias, running_mean, running_var, factor,
                                   options.eps());
}

void BatchNormRelu2dImpl::pretty_print(std::ostream& stream) const {
  stream << "earshot::models::BatchNormRelu2d(" << options.num_features() << ", eps=" << options.eps()
         << ", momentum=";
  if (options.momentum()) {
    stream << *options.momentum();
  } else {
    stream << "None";
  }
  stream << ", affine=" << options.affine() << ", track_running_stats=" << options.track_running_stats()
         << ")";
}

}  // namespace models
}  // namespace earshot
