#include "earshot/data/summary.h"

#include <algorithm>

#include "earshot/util/error.h"

namespace earshot {

void LevelCounts::Add(const ClipLevels& l) {
  ++clips;
  if (l.at_full_scale) ++at_full_scale;
  if (l.peak > 1.0f) ++above_full_scale;
  if (l.clipped_runs > 0) ++clipped;
  largest_peak = std::max(largest_peak, l.peak);
}

LevelSummary SummarizeLevels(const Dataset& ds, const std::vector<MeasuredClip>& measured) {
  if (measured.size() != ds.clips.size()) {
    ThrowMismatch("SummarizeLevels: " + std::to_string(measured.size()) + " measurements for " +
                  std::to_string(ds.clips.size()) + " clips");
  }
  LevelSummary s;
  s.classes.resize(ds.classes.size());
  for (size_t i = 0; i < ds.clips.size(); ++i) {
    const std::optional<ClipLevels>& l = measured[i].levels;
    if (!l) continue;
    s.all.Add(*l);
    const int c = MainClass(ds.clips[i]);
    if (c >= 0 && c < static_cast<int>(s.classes.size())) s.classes[c].Add(*l);
  }
  return s;
}

int MainClass(const ClipRef& clip) {
  if (clip.soft.empty()) return clip.label;
  int best = 0;
  for (size_t c = 1; c < clip.soft.size(); ++c) {
    if (clip.soft[c] > clip.soft[best]) best = static_cast<int>(c);
  }
  return best;
}

LabelSummary Summarize(const Dataset& ds) {
  LabelSummary s;
  s.classes.resize(ds.classes.size());
  for (size_t c = 0; c < ds.classes.size(); ++c) s.classes[c].name = ds.classes[c];
  for (const auto& clip : ds.clips) {
    auto split = static_cast<size_t>(clip.split);
    ++s.clips;
    ++s.split_clips[split];
    if (clip.silence) ++s.silence;
    for (size_t c = 0; c < clip.soft.size() && c < s.classes.size(); ++c) {
      s.classes[c].mass += clip.soft[c];
    }
    int main = MainClass(clip);
    if (main < 0 || main >= static_cast<int>(s.classes.size())) {
      ++s.unlabeled;
      continue;
    }
    ClassSummary& k = s.classes[main];
    ++k.clips;
    ++(clip.verified ? k.verified : k.unverified);
    ++k.split_clips[split];
  }
  return s;
}

}  // namespace earshot
