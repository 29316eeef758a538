// Decodes and resamples every clip of a data set once, in parallel, into a
// ClipStore; background noise files go into a second store.
//
//   LoadedClips loaded = LoadClips(dataset, 16000, store_options);
//   if (!loaded.bad.bad.empty()) std::cerr << loaded.bad.Summary();
//   int64_t row = loaded.row[i];   // dataset.clips[i] -> store row
//
// Headers are probed first so that the arena is sized once and each thread
// writes its clips in place: resident memory stays near the size of the
// int16 samples, with no second copy.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "earshot/data/bad_files.h"
#include "earshot/data/clip_store.h"
#include "earshot/data/dataset.h"
#include "earshot/data/store_options.h"
#include "earshot/data/summary.h"

namespace earshot {

struct LoadedClips {
  static constexpr int64_t kSilence = -1;  // ClipRef::silence (or no path, no row): made by the loader
  static constexpr int64_t kBad = -2;      // the file could not be read; see `bad`

  ClipStore clips;                  // one row per readable clip
  std::vector<int64_t> row;         // per Dataset::clips entry: store row, kSilence or kBad
  ClipStore noise;                  // Dataset::noise_files that could be read
  BadFileReport bad;                // clips and noise files that could not be read
  std::vector<std::string> notes;   // for the run's data notes: clips above full scale
};

// Clips with a path are decoded from their file, clips with an array_row
// are taken from Dataset::array, both resampled to `sample_rate`. Both
// follow CheckLevels: a NaN, infinite or absurd (> kMaxPeak) sample makes
// the file or row bad; a peak above full scale is kept (ClipStore) and
// counted in `notes`. Applies EnforceBadFilePolicy before returning.
LoadedClips LoadClips(const Dataset& dataset, int sample_rate, const StoreOptions& options);

// Decodes every clip at its own rate on `threads` threads and measures its
// peak and clipping (MeasureLevels), for `inspect`. `levels` is nullopt for
// silence and for clips that cannot be decoded, `reason` says why for those
// (CheckLevels' rule included; the file or row is not repeated).
// SummarizeLevels (summary.h) counts them per class.
std::vector<MeasuredClip> MeasureClipLevels(const Dataset& dataset, int threads);

// Takes the clips that could not be read out of every split (split none,
// fold -1) with a note saying how many, so that counts, split files and
// folds name only clips that train, validate or test.
void LeaveOutUnreadable(Dataset& dataset, const LoadedClips& loaded);

}  // namespace earshot
