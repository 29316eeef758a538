#include "data_parallel.h"

#include <algorithm>

namespace earshot {

void BroadcastModuleState(Communicator& group, torch::nn::Module& module) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> state;
  for (const auto& p : module.parameters()) state.push_back(p.data());
  for (const auto& b : module.buffers()) state.push_back(b.data());
  group.Broadcast(state, "broadcast of rank 0's weights");
}

void AllreduceGradients(Communicator& group, torch::nn::Module& module, int64_t examples,
                        int64_t bucket_bytes) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> params = module.parameters();
  const double weight = static_cast<double>(examples);
  // Consecutive parameters per bucket; the last bucket ends with the
  // rank's example count, so the sum brings the count of all.
  std::vector<size_t> first_of_bucket;
  std::vector<torch::Tensor> buckets;
  for (size_t i = 0; i < params.size();) {
    first_of_bucket.push_back(i);
    std::vector<torch::Tensor> parts;
    int64_t bytes = 0;
    for (; i < params.size() && (parts.empty() || bytes + params[i].numel() * 4 <= bucket_bytes); ++i) {
      const torch::Tensor& g = params[i].grad();
      parts.push_back(g.defined() ? g.reshape(-1) * weight : torch::zeros({params[i].numel()}));
      bytes += params[i].numel() * 4;
    }
    if (i == params.size()) parts.push_back(torch::full({1}, weight));
    buckets.push_back(torch::cat(parts));
  }
  if (buckets.empty()) buckets.push_back(torch::full({1}, weight));
  group.AllreduceSum(buckets, "allreduce of the gradients");
  const double total = buckets.back()[-1].item<double>();
  if (total <= 0) return;
  for (size_t b = 0; b < first_of_bucket.size(); ++b) {
    const size_t end = b + 1 < first_of_bucket.size() ? first_of_bucket[b + 1] : params.size();
    int64_t offset = 0;
    for (size_t i = first_of_bucket[b]; i < end; ++i) {
      torch::Tensor& p = params[i];
      const torch::Tensor mean = buckets[b].narrow(0, offset, p.numel()).view_as(p) / total;
      offset += p.numel();
      if (p.grad().defined()) {
        p.mutable_grad().copy_(mean);
      } else {
        p.mutable_grad() = mean.clone();
      }
    }
  }
}

void AverageBuffers(Communicator& group, torch::nn::Module& module) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> floating;
  for (const auto& b : module.buffers()) {
    if (b.is_floating_point()) floating.push_back(b.data());
  }
  if (floating.empty()) return;
  group.AllreduceSum(floating, "averaging of the batch-norm statistics");
  for (auto& b : floating) b.div_(group.size());
}

std::vector<double> SumOverRanks(Communicator& group, const std::vector<double>& values) {
  std::vector<torch::Tensor> t{torch::tensor(values, torch::kFloat64)};
  group.AllreduceSum(t, "sum of the epoch's figures");
  return std::vector<double>(t[0].data_ptr<double>(), t[0].data_ptr<double>() + t[0].numel());
}

ModelOutputs GatherOutputs(Communicator& group, const ModelOutputs& mine) {
  // Rows as doubles (exact for floats, labels and clip numbers): clip,
  // label, probabilities, targets; padded to the longest rank's rows after
  // a header of rows and summed loss.
  const int64_t classes = mine.classes;
  const int64_t width = 2 + 2 * classes;
  const auto counts = group.AllGather(torch::tensor({mine.rows}, torch::kInt64), "gathering of the evaluation");
  int64_t most = 0;
  for (const auto& c : counts) most = std::max(most, c.item<int64_t>());
  torch::Tensor packed = torch::zeros({2 + most * width}, torch::kFloat64);
  double* out = packed.data_ptr<double>();
  out[0] = static_cast<double>(mine.rows);
  out[1] = mine.loss * static_cast<double>(mine.rows);
  for (int64_t r = 0; r < mine.rows; ++r) {
    double* row = out + 2 + r * width;
    row[0] = static_cast<double>(mine.clips[r]);
    row[1] = mine.labels[r];
    for (int64_t k = 0; k < classes; ++k) {
      row[2 + k] = mine.probabilities[r * classes + k];
      row[2 + classes + k] = mine.targets[r * classes + k];
    }
  }
  ModelOutputs all;
  all.classes = mine.classes;
  double loss_sum = 0.0;
  for (const auto& t : group.AllGather(packed, "gathering of the evaluation")) {
    const double* in = t.data_ptr<double>();
    const int64_t rows = static_cast<int64_t>(in[0]);
    loss_sum += in[1];
    for (int64_t r = 0; r < rows; ++r) {
      const double* row = in + 2 + r * width;
      all.clips.push_back(static_cast<int64_t>(row[0]));
      all.labels.push_back(static_cast<int>(row[1]));
      for (int64_t k = 0; k < classes; ++k) all.probabilities.push_back(static_cast<float>(row[2 + k]));
      for (int64_t k = 0; k < classes; ++k) all.targets.push_back(static_cast<float>(row[2 + classes + k]));
    }
    all.rows += rows;
  }
  all.loss = all.rows > 0 ? loss_sum / static_cast<double>(all.rows) : 0.0;
  return all;
}

std::vector<std::string> GatherText(Communicator& group, const std::string& text, const std::string& what,
                                    double timeout) {
  const auto sizes =
      group.AllGather(torch::tensor({static_cast<int64_t>(text.size())}, torch::kInt64), what, timeout);
  int64_t most = 0;
  for (const auto& s : sizes) most = std::max(most, s.item<int64_t>());
  torch::Tensor bytes = torch::zeros({most}, torch::kUInt8);
  std::copy(text.begin(), text.end(), bytes.data_ptr<uint8_t>());
  std::vector<std::string> out;
  const auto all = group.AllGather(bytes, what);
  for (size_t r = 0; r < all.size(); ++r) {
    const char* data = reinterpret_cast<const char*>(all[r].data_ptr<uint8_t>());
    out.emplace_back(data, data + sizes[r].item<int64_t>());
  }
  return out;
}

}  // namespace earshot
