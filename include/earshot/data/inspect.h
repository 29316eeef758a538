// What is in a data set's audio: `earshot inspect` prints it as JSON.
//
//   Dataset ds = ReadDataset(options);
//   AudioReport r = InspectAudio(ds, 2);   // headers, then every clip decoded
//   r.readable, r.sample_rates["16000"], Summarize(r.durations[Split::kTrain])
#pragma once

#include <map>
#include <string>
#include <vector>

#include "earshot/data/dataset.h"
#include "earshot/data/summary.h"

namespace earshot {

struct UnreadableClip {
  std::string path;    // the file, or "<root>: row N (id)" for an array row
  std::string id;      // empty for a noise file
  std::string reason;  // the decoder's message
};

struct AudioReport {
  int readable = 0;  // clips whose header (or array row) could be read
  std::map<std::string, int> sample_rates, channels, formats;  // clips per value, as stored
  std::map<Split, std::vector<double>> durations;                // seconds of readable clips
  int noise_files = 0;
  double noise_seconds = 0.0;
  std::vector<UnreadableClip> unreadable;  // headers first, then clips whose samples break
                                           // the level rule (CheckLevels)
  LevelSummary levels;                     // peaks and clipping, per class and in all
};

// Reads every clip's and noise file's header on `threads` threads, then
// decodes every clip to measure its levels (MeasureClipLevels).
AudioReport InspectAudio(const Dataset& ds, int threads);

// Clip durations: the order statistics and a 20-bin histogram from min to
// max (one bin when all are equal; the max falls in the last bin).
struct DurationSummary {
  int64_t count = 0;
  double min = 0, max = 0, mean = 0, median = 0, total = 0;
  std::vector<double> edges;  // bins + 1
  std::vector<int> counts;    // per bin
};
DurationSummary SummarizeDurations(std::vector<double> seconds);

}  // namespace earshot
