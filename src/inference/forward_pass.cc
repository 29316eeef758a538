#include "earshot/inference/forward_pass.h"

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "earshot/inference/bundle.h"
#include "earshot/models/native_plan.h"
#include "earshot/models/zoo.h"
#include "earshot/util/error.h"
#include "xnnpack_plan.h"

namespace earshot {
namespace {

// True unless EARSHOT_FORWARD asks for LibTorch.
bool NativeAllowed() {
  const char* value = std::getenv("EARSHOT_FORWARD");
  const std::string v = value ? value : "";
  if (v.empty() || v == "auto") return true;
  if (v == "torch") return false;
  ThrowOption("EARSHOT_FORWARD should be auto | torch. Given: '" + v + "'");
}

}  // namespace

struct ForwardPass::Impl {
  std::shared_ptr<const Bundle> bundle;
  std::shared_ptr<const NativePlan> plan;  // null: LibTorch
  int threads = 1;
  // Plans no thread is running; one is made when every one is in use.
  mutable std::mutex mutex;
  mutable std::vector<std::unique_ptr<XnnpackPlan>> idle;

  std::unique_ptr<XnnpackPlan> Take() const {
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (!idle.empty()) {
        auto p = std::move(idle.back());
        idle.pop_back();
        return p;
      }
    }
    return std::make_unique<XnnpackPlan>(*plan, threads);
  }
  void Give(std::unique_ptr<XnnpackPlan> p) const {
    std::lock_guard<std::mutex> lock(mutex);
    idle.push_back(std::move(p));
  }
};

ForwardPass::ForwardPass(std::shared_ptr<const Bundle> bundle) : impl_(std::make_unique<Impl>()) {
  impl_->bundle = std::move(bundle);
  if (NativeAllowed()) impl_->plan = impl_->bundle->model->DescribeNative(impl_->bundle->info.example_shape);
  if (impl_->plan) {
    // As many threads as LibTorch would use (SetComputeThreads); the first
    // plan is built now, so that a plan XNNPACK refuses fails at load.
    impl_->threads = std::max(1, torch::get_num_threads());
    impl_->Give(impl_->Take());
  }
}

ForwardPass::~ForwardPass() = default;

const std::shared_ptr<const Bundle>& ForwardPass::bundle() const { return impl_->bundle; }

const char* ForwardPass::backend() const { return impl_->plan ? "xnnpack" : "libtorch"; }

void ForwardPass::Run(const float* x, int64_t count, float* out) const {
  if (count < 1) return;
  const Bundle& b = *impl_->bundle;
  c10::InferenceMode inference;
  torch::Tensor logits;
  if (impl_->plan) {
    auto plan = impl_->Take();
    logits = torch::empty({count, plan->outputs()}, torch::kFloat32);
    plan->Run(x, count, logits.data_ptr<float>());
    impl_->Give(std::move(plan));
  } else {
    std::vector<int64_t> shape{count};
    shape.insert(shape.end(), b.info.example_shape.begin(), b.info.example_shape.end());
    // from_blob does not copy; the model only reads its input.
    logits = b.model->forward(torch::from_blob(const_cast<float*>(x), shape, torch::kFloat32));
  }
  const torch::Tensor p = Probabilities(b.info.output, logits).contiguous();
  std::copy(p.data_ptr<float>(), p.data_ptr<float>() + p.numel(), out);
}

}  // namespace earshot
