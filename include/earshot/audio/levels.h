// One rule for the level of decoded audio, whatever the container: sound
// files, .npz rows and synthesized mixtures.
//
//   float peak = CheckLevels(x.data(), x.size(), "clip.wav");  // throws on NaN, inf, > 1000
//   ClipLevels l = MeasureLevels(x.data(), x.size());          // peak, clipped runs
//
// Float audio may exceed full scale (resampling overshoots, float WAV and
// FLAC carry such peaks, mixtures sum past 1): a peak between full scale
// and kMaxPeak is accepted and kept (the clip store records a per-clip
// scale); callers count such clips for the data notes. A larger peak is
// integer data stored as float, and an error.
#pragma once

#include <cstdint>
#include <string>

namespace earshot {

// The largest int16 sample as float: a clip at or above it is at full scale.
constexpr float kFullScale = 32767.0f / 32768.0f;
// Above this a float sample is not audio in [-1, 1] that overshoots but
// integer samples stored as float.
constexpr float kMaxPeak = 1000.0f;

// Returns the peak |x|. Throws earshot::Error naming `where`, the sample
// and its value for a NaN or infinite sample, or for a peak above kMaxPeak
// (naming the limit).
float CheckLevels(const float* x, int64_t n, const std::string& where);

// Peak and clipping of one clip. A clipped run is at least
// kClippedRunLength consecutive samples of one sign within one int16 step
// of the clip's peak (a waveform flattened at its top); silence has none.
struct ClipLevels {
  float peak = 0.f;
  bool at_full_scale = false;  // peak >= kFullScale
  int64_t clipped_runs = 0;
};
constexpr int64_t kClippedRunLength = 3;
ClipLevels MeasureLevels(const float* x, int64_t n);

}  // namespace earshot
