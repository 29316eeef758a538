// Feature standardisation fitted on the training set: one mean and std over
// all values (seed 002) or one per feature position (bin, frame) (seed 003,
// numpy's mean/std over axis 0). Stored in the model bundle as JSON.
//
//   FeatureStats stats(example_size);
//   for (each training example) stats.Add(features);
//   FeatureNorm norm = stats.Finish("global");
//   norm.Apply(x, example_size);                 // (x - mean) / std
//   FeatureNorm back = FeatureNorm::FromJson(norm.ToJson(), "bundle/norm.json");
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace earshot {

struct FeatureNorm {
  std::string mode = "none";  // none | global | per_position
  std::vector<float> mean;    // 1 value (global) or one per position
  std::vector<float> std;     // population std (ddof 0); 1 where the values never vary

  // x holds one example of `size` values; throws if a per-position norm was
  // fitted on another size.
  void Apply(float* x, int64_t size) const;
  std::string ToJson() const;
  static FeatureNorm FromJson(const std::string& json, const std::string& origin);
};

// Accumulates sums in double over examples of a fixed size.
class FeatureStats {
 public:
  explicit FeatureStats(int64_t example_size);
  void Add(const float* example);
  int64_t Count() const { return count_; }
  // mode: global | per_position. Throws if no example was added.
  FeatureNorm Finish(const std::string& mode) const;

 private:
  int64_t size_;
  int64_t count_ = 0;
  std::vector<double> shift_;  // the first example: sums of x - shift stay small
  std::vector<double> sum_, sum_sq_;
};

}  // namespace earshot
