#include "earshot/data/augment.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>

#include "earshot/audio/resampler.h"

namespace earshot {

void AddNoiseSegment(float* x, int64_t n, const ClipStore& noise, float volume, SplitMix64& rng) {
  if (noise.NumClips() == 0 || n <= 0) return;
  const int64_t file = rng.UniformInt(0, noise.NumClips() - 1);
  const int64_t len = noise.Length(file);
  if (len == 0) return;
  const int16_t* p = noise.Data(file);
  const int64_t offset = rng.UniformInt(0, std::max<int64_t>(0, len - n));
  const float scale = volume * noise.Scale(file);
  for (int64_t i = 0, j = offset; i < n; ++i, ++j) {
    if (j == len) j = 0;  // noise shorter than the clip repeats
    x[i] += scale * static_cast<float>(p[j]);
  }
}

float MixBackgroundNoise(float* x, int64_t n, const ClipStore& noise, double frequency,
                         double max_volume, SplitMix64& rng, float limit) {
  if (noise.NumClips() == 0 || rng.Uniform() >= frequency) return 0.f;
  const float volume = static_cast<float>(rng.Uniform(0.0, max_volume));
  AddNoiseSegment(x, n, noise, volume, rng);
  for (int64_t i = 0; i < n; ++i) x[i] = std::clamp(x[i], -limit, limit);
  return volume;
}

int64_t TimeShift(float* x, int64_t n, int64_t max_shift, SplitMix64& rng) {
  const int64_t shift = rng.UniformInt(-max_shift, max_shift);
  if (shift >= n || -shift >= n) {
    std::fill(x, x + n, 0.f);
  } else if (shift > 0) {
    std::move_backward(x, x + n - shift, x + n);
    std::fill(x, x + shift, 0.f);
  } else if (shift < 0) {
    std::move(x - shift, x + n, x);
    std::fill(x + n + shift, x + n, 0.f);
  }
  return shift;
}

double ApplyGain(float* x, int64_t n, double db_min, double db_max, SplitMix64& rng) {
  const double db = rng.Uniform(db_min, db_max);
  const float g = static_cast<float>(std::pow(10.0, db / 20.0));
  for (int64_t i = 0; i < n; ++i) x[i] *= g;
  return db;
}

std::vector<float> ChangeSpeed(const float* x, int64_t n, double factor, int sample_rate) {
  // Reading the clip as if recorded at factor x rate and resampling back to
  // the rate plays it factor times faster: tempo and pitch change together.
  // The source rate is rounded to steps of sample_rate / 160 (100 Hz at
  // 16 kHz), so that each worker designs a few dozen soxr filters once
  // instead of one per clip, which cost more than the clip's features.
  const int step = std::max(1, sample_rate / 160);
  const int from = std::max(step, static_cast<int>(std::lround(sample_rate * factor / step)) * step);
  if (from == sample_rate) return std::vector<float>(x, x + n);
  thread_local std::map<std::pair<int, int>, std::unique_ptr<Resampler>> cache;
  auto& r = cache[{from, sample_rate}];
  if (!r) {
    if (cache.size() > 256) {  // an unusual range of factors: start over
      cache.clear();
      return ChangeSpeed(x, n, factor, sample_rate);
    }
    r = std::make_unique<Resampler>(from, sample_rate);
  }
  return r->Process(x, n);
}

void SpecAugmentMasks(float* features, int64_t channels, int64_t bins, int64_t frames,
                      const AugmentOptions& o, SplitMix64& rng) {
  const int64_t size = channels * bins * frames;
  float value = 0.f;
  if (o.mask_value == "mean" && size > 0) {
    double sum = 0;
    for (int64_t i = 0; i < size; ++i) sum += features[i];
    value = static_cast<float>(sum / static_cast<double>(size));
  }
  for (int m = 0; m < o.freq_masks; ++m) {
    const int64_t width = rng.UniformInt(0, std::min<int64_t>(o.freq_mask_width, bins));
    const int64_t start = rng.UniformInt(0, bins - width);
    for (int64_t c = 0; c < channels; ++c) {
      float* rows = features + (c * bins + start) * frames;
      std::fill(rows, rows + width * frames, value);
    }
  }
  for (int m = 0; m < o.time_masks; ++m) {
    const int64_t width = rng.UniformInt(0, std::min<int64_t>(o.time_mask_width, frames));
    const int64_t start = rng.UniformInt(0, frames - width);
    for (int64_t r = 0; r < channels * bins; ++r) {
      std::fill(features + r * frames + start, features + r * frames + start + width, value);
    }
  }
}

void MixupBatch(float* features, int64_t batch, int64_t example_size, float* targets,
                int64_t num_classes, double alpha, SplitMix64& rng) {
  if (batch < 2) return;
  // Partners are read from the unmixed batch.
  const std::vector<float> x(features, features + batch * example_size);
  const std::vector<float> y(targets, targets + batch * num_classes);
  for (int64_t i = 0; i < batch; ++i) {
    int64_t j = rng.UniformInt(0, batch - 2);
    if (j >= i) ++j;  // a partner other than itself
    const double l = rng.Beta(alpha, alpha);
    const float lam = static_cast<float>(std::max(l, 1.0 - l));
    const float* xi = x.data() + i * example_size;
    const float* xj = x.data() + j * example_size;
    float* out = features + i * example_size;
    for (int64_t k = 0; k < example_size; ++k) out[k] = lam * xi[k] + (1.f - lam) * xj[k];
    const float* yi = y.data() + i * num_classes;
    const float* yj = y.data() + j * num_classes;
    float* t = targets + i * num_classes;
    for (int64_t k = 0; k < num_classes; ++k) t[k] = lam * yi[k] + (1.f - lam) * yj[k];
  }
}

}  // namespace earshot
