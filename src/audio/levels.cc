#include "earshot/audio/levels.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <sstream>

#include "earshot/util/error.h"

namespace earshot {

namespace {

// |x| as its bits: for non-negative floats the integer order is the float
// order, and NaN and infinity lie above every finite value. Integer maxima
// four lanes at a time (GCC's vector extension, SSE2 on any x86-64): a
// float maximum would depend on the order NaNs meet it.
int32_t LargestMagnitudeBits(const float* x, int64_t n) {
  typedef int32_t I4 __attribute__((vector_size(16)));
  I4 lanes = {0, 0, 0, 0};
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) {
    I4 v;
    std::memcpy(&v, x + i, sizeof v);
    v &= 0x7fffffff;
    lanes = v > lanes ? v : lanes;
  }
  int32_t most = std::max(std::max(lanes[0], lanes[1]), std::max(lanes[2], lanes[3]));
  for (; i < n; ++i) {
    int32_t bits;
    std::memcpy(&bits, x + i, sizeof bits);
    most = std::max(most, bits & 0x7fffffff);
  }
  return most;
}

}  // namespace

float CheckLevels(const float* x, int64_t n, const std::string& where) {
  const int32_t most = LargestMagnitudeBits(x, n);
  float peak;
  std::memcpy(&peak, &most, sizeof peak);
  if (peak <= kMaxPeak) return peak;  // finite and within the limit: the common case
  // Name the first bad sample, or the peak's.
  int64_t at = 0;
  peak = 0.f;
  for (int64_t i = 0; i < n; ++i) {
    if (!std::isfinite(x[i])) {
      ThrowBadData(where + ": sample " + std::to_string(i) + " is " +
                   (std::isnan(x[i]) ? "NaN" : "infinite"));
    }
    const float a = std::fabs(x[i]);
    if (a > peak) peak = a, at = i;
  }
  std::ostringstream m;
  m << where << ": sample " << at << " is " << x[at] << ", above the limit of " << kMaxPeak
    << " for float audio (integer samples stored as float? divide them by 32768)";
  ThrowBadData(m.str());
}

ClipLevels MeasureLevels(const float* x, int64_t n) {
  ClipLevels out;
  for (int64_t i = 0; i < n; ++i) out.peak = std::max(out.peak, std::fabs(x[i]));
  out.at_full_scale = out.peak >= kFullScale;
  if (!(out.peak > 0.f)) return out;
  // Within one int16 step of the peak, relative to the clip's own scale.
  const float floor = out.peak - std::max(out.peak, 1.0f) / 32768.0f;
  int64_t run = 0;
  int sign = 0;
  for (int64_t i = 0; i <= n; ++i) {
    const int s = i < n && std::fabs(x[i]) >= floor ? (x[i] > 0 ? 1 : -1) : 0;
    if (s != 0 && s == sign) {
      ++run;
      continue;
    }
    if (run >= kClippedRunLength) ++out.clipped_runs;
    run = s != 0 ? 1 : 0;
    sign = s;
  }
  return out;
}

}  // namespace earshot
