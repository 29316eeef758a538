#include "earshot/audio/levels.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "earshot/util/error.h"

namespace earshot {

float CheckLevels(const float* x, int64_t n, const std::string& where) {
  float peak = 0.f;
  int64_t at = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (!std::isfinite(x[i])) {
      ThrowBadData(where + ": sample " + std::to_string(i) + " is " +
                   (std::isnan(x[i]) ? "NaN" : "infinite"));
    }
    const float a = std::fabs(x[i]);
    if (a > peak) peak = a, at = i;
  }
  if (peak > kMaxPeak) {
    std::ostringstream m;
    m << where << ": sample " << at << " is " << x[at] << ", above the limit of " << kMaxPeak
      << " for float audio (integer samples stored as float? divide them by 32768)";
    ThrowBadData(m.str());
  }
  return peak;
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
