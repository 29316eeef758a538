// Fitting a clip to the model's length: crop or zero-pad, centred or at a
// random offset; and the windows that cover a long clip at prediction time.
//
//   std::vector<float> out(length);
//   FitClip(x.data(), x.size(), length, /*rng=*/nullptr, out.data());  // centred
//   for (int64_t start : WindowStarts(x.size(), length, hop)) ...      // predict, then average
#pragma once

#include <cstdint>
#include <vector>

#include "earshot/data/example_rng.h"

namespace earshot {

// Writes exactly `length` samples to out. Longer clips are cropped, shorter
// ones zero-padded. With rng == nullptr the clip is centred (crop offset
// (n - length) / 2, left padding (length - n) / 2); with an rng the offset
// is uniform over every position (seed 003's random crop and random-offset
// padding).
void FitClip(const float* in, int64_t n, int64_t length, SplitMix64* rng, float* out);

// Starts of windows of `length` samples, `hop` apart, covering a clip of n
// samples: 0, hop, 2 hop, ... and a last window ending exactly at n. A clip
// no longer than `length` has one window, at 0 (FitClip centres it).
std::vector<int64_t> WindowStarts(int64_t n, int64_t length, int64_t hop);

// The windows themselves, count x length samples, row-major; a short clip
// gives one window, centred and zero-padded. Predictions on the rows are
// combined by the caller (mean of probabilities, max, ...).
std::vector<float> ClipWindows(const float* x, int64_t n, int64_t length, int64_t hop,
                               int64_t* count);

}  // namespace earshot
