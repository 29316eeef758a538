// The server's counters in Prometheus' text format (GET /metrics):
// requests by endpoint and status, errors by endpoint and kind (client:
// 4xx, server: 5xx), a request latency histogram per endpoint, a
// batch-size histogram per model (clips per forward pass) and, as gauges,
// each model's queued clips and passes in progress.
//
//   Metrics m({"kws"});
//   m.CountRequest("/v1/classify", 200, 0.004);
//   m.CountBatch("kws", 3);
//   std::string text = m.Prometheus();
//
// Thread-safe. Paths that are not endpoints are counted under "other", so
// that a scan of random paths cannot grow the label set.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace earshot::serve {

// Cumulative buckets with upper bounds `bounds` (+Inf added), a sum and a count.
struct Histogram {
  std::vector<double> bounds;
  std::vector<int64_t> counts;  // per bucket, not cumulative; one more than bounds (+Inf)
  double sum = 0.0;
  int64_t count = 0;

  explicit Histogram(std::vector<double> upper_bounds = {});
  void Observe(double value);
};

// Upper bounds of the latency buckets, in seconds, and of the batch sizes.
extern const std::vector<double> kLatencyBuckets;
extern const std::vector<double> kBatchBuckets;

class Metrics {
 public:
  // `endpoints`: the paths counted by name; `models`: names whose batch
  // histograms are shown even before their first batch.
  Metrics(std::vector<std::string> endpoints, const std::vector<std::string>& models);

  // One answered request; seconds < 0 when its start is unknown (a request
  // refused before routing), then it joins the counts but not the latency.
  void CountRequest(const std::string& path, int status, double seconds);
  void CountBatch(const std::string& model, int clips);

  // The text, with gauges of each model's load at this moment when given.
  struct ModelLoad {
    std::string model;
    int queued = 0;   // clips waiting for a forward pass
    int running = 0;  // forward passes in progress
  };
  std::string Prometheus(const std::vector<ModelLoad>& load = {}) const;

 private:
  std::string Endpoint(const std::string& path) const;

  std::vector<std::string> endpoints_;
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, int64_t> requests_;          // (endpoint, status)
  std::map<std::pair<std::string, std::string>, int64_t> errors_;    // (endpoint, client | server)
  std::map<std::string, Histogram> latency_;                         // per endpoint
  std::map<std::string, Histogram> batches_;                         // per model
};

}  // namespace earshot::serve
