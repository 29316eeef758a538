#include "earshot/data/clip_options.h"

#include <algorithm>
#include <cmath>

#include "earshot/util/option_checks.h"

namespace earshot {

void ClipOptions::Visit(OptionVisitor& v) {
  v.Field("seconds", seconds, "clip length in seconds (when samples = 0)");
  v.Field("samples", samples, "clip length in samples; overrides seconds when > 0");
  v.Field("pad_crop", pad_crop, "center | random | drop: how clips of another length are fitted");
  v.Field("hop_seconds", hop_seconds, "prediction windows on long clips: step; 0 = clip length");
}

void ClipOptions::Validate() const {
  using namespace option_checks;
  OneOf("pad_crop", pad_crop, {"center", "random", "drop"});
  AtLeast("samples", samples, 0);
  if (samples == 0) InRange("seconds", seconds, 0.001, 3600.0);
  InRange("hop_seconds", hop_seconds, 0.0, 3600.0);
}

int64_t ClipOptions::Length(int sample_rate) const {
  if (samples > 0) return samples;
  return std::max<int64_t>(1, std::llround(seconds * sample_rate));
}

int64_t ClipOptions::Hop(int sample_rate) const {
  if (hop_seconds <= 0) return Length(sample_rate);
  return std::max<int64_t>(1, std::llround(hop_seconds * sample_rate));
}

}  // namespace earshot
