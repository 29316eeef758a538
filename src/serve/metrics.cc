#include "earshot/serve/metrics.h"

#include <algorithm>
#include <sstream>

namespace earshot::serve {

const std::vector<double> kLatencyBuckets{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                          0.25,  0.5,    1.0,   2.5,  5.0,   10.0};
const std::vector<double> kBatchBuckets{1, 2, 4, 8, 16, 32, 64, 128};

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds(std::move(upper_bounds)), counts(bounds.size() + 1, 0) {}

void Histogram::Observe(double value) {
  const size_t bucket =
      static_cast<size_t>(std::lower_bound(bounds.begin(), bounds.end(), value) - bounds.begin());
  ++counts[bucket];
  sum += value;
  ++count;
}

Metrics::Metrics(std::vector<std::string> endpoints, const std::vector<std::string>& models)
    : endpoints_(std::move(endpoints)) {
  for (const auto& m : models) batches_.emplace(m, Histogram(kBatchBuckets));
}

std::string Metrics::Endpoint(const std::string& path) const {
  return std::find(endpoints_.begin(), endpoints_.end(), path) != endpoints_.end() ? path : "other";
}

void Metrics::CountRequest(const std::string& path, int status, double seconds) {
  const std::string endpoint = Endpoint(path);
  std::lock_guard<std::mutex> lock(mutex_);
  ++requests_[{endpoint, status}];
  if (status >= 400) ++errors_[{endpoint, status >= 500 ? "server" : "client"}];
  if (seconds >= 0) latency_.try_emplace(endpoint, kLatencyBuckets).first->second.Observe(seconds);
}

void Metrics::CountBatch(const std::string& model, int clips) {
  std::lock_guard<std::mutex> lock(mutex_);
  batches_.try_emplace(model, kBatchBuckets).first->second.Observe(clips);
}

namespace {

std::string Number(double v) {
  std::ostringstream os;
  os.precision(10);
  os << v;
  return os.str();
}

void WriteHistogram(std::ostringstream& out, const std::string& name, const std::string& labels,
                    const Histogram& h) {
  int64_t cumulative = 0;
  for (size_t i = 0; i < h.counts.size(); ++i) {
    cumulative += h.counts[i];
    const std::string le = i < h.bounds.size() ? Number(h.bounds[i]) : "+Inf";
    out << name << "_bucket{" << labels << ",le=\"" << le << "\"} " << cumulative << "\n";
  }
  out << name << "_sum{" << labels << "} " << Number(h.sum) << "\n";
  out << name << "_count{" << labels << "} " << h.count << "\n";
}

}  // namespace

std::string Metrics::Prometheus(const std::vector<ModelLoad>& load) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::ostringstream out;
  out << "# HELP earshot_requests_total Requests answered, by endpoint and HTTP status.\n"
         "# TYPE earshot_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    out << "earshot_requests_total{endpoint=\"" << key.first << "\",status=\"" << key.second << "\"} " << n
        << "\n";
  }
  out << "# HELP earshot_errors_total Requests answered with an error: client (4xx) or server (5xx).\n"
         "# TYPE earshot_errors_total counter\n";
  for (const auto& [key, n] : errors_) {
    out << "earshot_errors_total{endpoint=\"" << key.first << "\",kind=\"" << key.second << "\"} " << n << "\n";
  }
  out << "# HELP earshot_request_seconds Time from a request's headers to its answer.\n"
         "# TYPE earshot_request_seconds histogram\n";
  for (const auto& [endpoint, h] : latency_) {
    WriteHistogram(out, "earshot_request_seconds", "endpoint=\"" + endpoint + "\"", h);
  }
  out << "# HELP earshot_batch_size Clips per forward pass, by model.\n"
         "# TYPE earshot_batch_size histogram\n";
  for (const auto& [model, h] : batches_) WriteHistogram(out, "earshot_batch_size", "model=\"" + model + "\"", h);
  if (!load.empty()) {
    out << "# HELP earshot_queued_clips Clips waiting for a forward pass, by model.\n"
           "# TYPE earshot_queued_clips gauge\n";
    for (const ModelLoad& m : load) out << "earshot_queued_clips{model=\"" << m.model << "\"} " << m.queued << "\n";
    out << "# HELP earshot_running_passes Forward passes in progress, by model.\n"
           "# TYPE earshot_running_passes gauge\n";
    for (const ModelLoad& m : load) out << "earshot_running_passes{model=\"" << m.model << "\"} " << m.running << "\n";
  }
  return out.str();
}

}  // namespace earshot::serve
