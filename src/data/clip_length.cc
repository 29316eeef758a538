#include "earshot/data/clip_length.h"

#include <algorithm>

#include "earshot/util/error.h"

namespace earshot {

void FitClip(const float* in, int64_t n, int64_t length, SplitMix64* rng, float* out) {
  if (n >= length) {
    const int64_t offset = rng ? rng->UniformInt(0, n - length) : (n - length) / 2;
    std::copy(in + offset, in + offset + length, out);
    return;
  }
  const int64_t left = rng ? rng->UniformInt(0, length - n) : (length - n) / 2;
  std::fill(out, out + left, 0.f);
  std::copy(in, in + n, out + left);
  std::fill(out + left + n, out + length, 0.f);
}

std::vector<int64_t> WindowStarts(int64_t n, int64_t length, int64_t hop) {
  if (length < 1 || hop < 1) {
    ThrowOption("WindowStarts: window length and hop should be >= 1. Given: " +
                std::to_string(length) + " and " + std::to_string(hop));
  }
  std::vector<int64_t> starts;
  for (int64_t s = 0;; s += hop) {
    if (s + length >= n) {
      // The last window ends at the clip's end; it starts after the one
      // before, since that one ended before n.
      starts.push_back(std::max<int64_t>(0, std::min(s, n - length)));
      return starts;
    }
    starts.push_back(s);
  }
}

std::vector<float> ClipWindows(const float* x, int64_t n, int64_t length, int64_t hop,
                               int64_t* count) {
  const std::vector<int64_t> starts = WindowStarts(n, length, hop);
  std::vector<float> out(starts.size() * static_cast<size_t>(length));
  for (size_t w = 0; w < starts.size(); ++w) {
    float* dst = out.data() + w * static_cast<size_t>(length);
    const int64_t start = starts[w];
    FitClip(x + start, std::min(length, n - start), length, nullptr, dst);
  }
  if (count) *count = static_cast<int64_t>(starts.size());
  return out;
}

}  // namespace earshot
