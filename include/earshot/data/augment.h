// Augmentations on plain float buffers, each drawing from an SplitMix64 so
// that the loader's results depend only on the seed and the example.
//
//   float volume = MixBackgroundNoise(x, n, noise_store, 0.8, 0.1, rng);
//   int64_t shift = TimeShift(x, n, 1600, rng);
#pragma once

#include <cstdint>
#include <vector>

#include "earshot/data/augment_options.h"
#include "earshot/data/clip_store.h"
#include "earshot/data/example_rng.h"

namespace earshot {

// Adds volume x a segment of a random noise clip at a random offset (noise
// shorter than the clip is repeated). Adds and draws nothing when the store
// is empty.
void AddNoiseSegment(float* x, int64_t n, const ClipStore& noise, float volume, SplitMix64& rng);

// With probability `frequency`, adds noise at a volume uniform in
// [0, max_volume], then clips to [-limit, limit] (TF speech_commands: 1; a
// clip above full scale: its own peak). Returns the volume used, 0 when the
// clip was left clean.
float MixBackgroundNoise(float* x, int64_t n, const ClipStore& noise, double frequency,
                         double max_volume, SplitMix64& rng, float limit = 1.0f);

// Shifts by a whole number of samples uniform in [-max_shift, max_shift],
// filling with zeros (positive: later). Returns the shift.
int64_t TimeShift(float* x, int64_t n, int64_t max_shift, SplitMix64& rng);

// Scales by a gain uniform in [db_min, db_max] dB. Returns the gain in dB.
double ApplyGain(float* x, int64_t n, double db_min, double db_max, SplitMix64& rng);

// Plays the clip about `factor` times faster (length about n / factor), by
// resampling with soxr; the factor is rounded to steps of 1/160 so that a
// worker reuses a few resampling filters.
std::vector<float> ChangeSpeed(const float* x, int64_t n, double factor, int sample_rate);

// SpecAugment on one example of `channels` x `bins` x `frames` values: the
// same masks on every channel. Widths are uniform in [0, width], starts
// uniform over the positions where the mask fits.
void SpecAugmentMasks(float* features, int64_t channels, int64_t bins, int64_t frames,
                      const AugmentOptions& options, SplitMix64& rng);

// mixup inside a batch: example i becomes lam x_i + (1 - lam) x_j for a
// random other example j, with lam = max(l, 1 - l), l ~ Beta(alpha, alpha), so that
// the example keeps its own label as the larger part; targets are mixed with
// the same lam.
void MixupBatch(float* features, int64_t batch, int64_t example_size, float* targets,
                int64_t num_classes, double alpha, SplitMix64& rng);

}  // namespace earshot
