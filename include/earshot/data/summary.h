// Counts per class and split: what `inspect` prints and a run records.
//
//   LabelSummary s = Summarize(ds);
//   s.classes[2].clips, s.classes[2].unverified, s.split_clips[kTrain]
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "earshot/audio/levels.h"
#include "earshot/data/dataset.h"

namespace earshot {

struct ClassSummary {
  std::string name;
  int clips = 0;        // clips labelled with this class (soft: whose largest share it is)
  int verified = 0;     // manually verified, or no such column
  int unverified = 0;
  double mass = 0.0;    // soft labels: the sum of this class's shares
  std::array<int, 4> split_clips{};  // indexed by Split
};

struct LabelSummary {
  std::vector<ClassSummary> classes;
  int clips = 0;
  int unlabeled = 0;                 // no label and no distribution
  int silence = 0;                   // clips with no recording
  std::array<int, 4> split_clips{};  // indexed by Split
};

LabelSummary Summarize(const Dataset& ds);

// Peaks and clipping of decoded clips, per class and in all: what `inspect`
// shows so that a clipped data set is seen before training on it.
struct LevelCounts {
  int64_t clips = 0;             // clips measured
  int64_t at_full_scale = 0;     // peak >= kFullScale (16-bit full scale or more)
  int64_t above_full_scale = 0;  // peak > 1: kept with their own scale by the clip store
  int64_t clipped = 0;           // clips with at least one clipped run (MeasureLevels)
  float largest_peak = 0.f;
  void Add(const ClipLevels& l);
};

// One clip's measurement (MeasureClipLevels, load_clips.h).
struct MeasuredClip {
  std::optional<ClipLevels> levels;  // nullopt: silence, or not decodable
  std::string reason;                // why it could not be decoded
};

struct LevelSummary {
  std::vector<LevelCounts> classes;  // indexed like Dataset::classes (MainClass)
  LevelCounts all;                   // every clip measured, labelled or not
};

// One measurement per Dataset::clips entry; clips without levels are left out.
LevelSummary SummarizeLevels(const Dataset& ds, const std::vector<MeasuredClip>& measured);

// The class with the largest share of a soft label (first on ties), or the
// hard label.
int MainClass(const ClipRef& clip);

}  // namespace earshot
