// Counts per class and split: what `inspect` prints and a run records.
//
//   LabelSummary s = Summarize(ds);
//   s.classes[2].clips, s.classes[2].unverified, s.split_clips[kTrain]
#pragma once

#include <array>
#include <string>
#include <vector>

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

// The class with the largest share of a soft label (first on ties), or the
// hard label.
int MainClass(const ClipRef& clip);

}  // namespace earshot
