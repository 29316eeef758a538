#include "earshot/data/labels.h"

#include <array>
#include <cmath>
#include <map>

#include "earshot/data/summary.h"
#include "earshot/util/error.h"
#include "shuffle.h"

namespace earshot {
namespace {

std::string Join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

int IndexOf(const std::vector<std::string>& names, const std::string& name) {
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return static_cast<int>(i);
  }
  return -1;
}

// New index of each old class: its place in `order`.
std::vector<int> Remap(const std::vector<std::string>& classes,
                       const std::vector<std::string>& order) {
  std::vector<int> map(classes.size(), -1);
  for (size_t i = 0; i < classes.size(); ++i) map[i] = IndexOf(order, classes[i]);
  return map;
}

}  // namespace

void KeepClasses(Dataset& ds, const std::vector<std::string>& keep) {
  if (keep.empty()) return;
  if (ds.soft_labels || ds.classes.empty()) {
    ThrowOption("--keep needs a data set with one label per clip; " + ds.root + " (" + ds.layout +
                ") has " + (ds.soft_labels ? "soft labels" : "no labels"));
  }
  for (const auto& k : keep) {
    if (IndexOf(ds.classes, k) < 0) {
      ThrowOption("--keep names '" + k + "', which is not a class of " + ds.root +
                  " (classes: " + Join(ds.classes) + ")");
    }
  }
  std::vector<int> map = Remap(ds.classes, keep);
  std::vector<ClipRef> kept;
  for (auto& clip : ds.clips) {
    if (clip.label < 0 || map[clip.label] < 0) continue;
    clip.label = map[clip.label];
    kept.push_back(std::move(clip));
  }
  size_t left_out = ds.clips.size() - kept.size();
  ds.clips = std::move(kept);
  ds.classes = keep;
  ds.notes.push_back("keep: " + std::to_string(left_out) + " clips of other classes left out");
}

void LimitPerClass(Dataset& ds, int n) {
  if (n <= 0) return;
  std::map<int, int> seen;
  std::vector<ClipRef> kept;
  for (auto& clip : ds.clips) {
    if (++seen[MainClass(clip)] <= n) kept.push_back(std::move(clip));
  }
  size_t left_out = ds.clips.size() - kept.size();
  ds.clips = std::move(kept);
  if (left_out > 0) {
    ds.notes.push_back("max_per_class=" + std::to_string(n) + ": " + std::to_string(left_out) +
                       " clips left out");
  }
}

void ApplyWantedWords(Dataset& ds, const DataOptions& o, bool pick) {
  if (o.wanted_words.empty()) return;
  if (ds.soft_labels || ds.classes.empty()) {
    ThrowOption("--wanted_words needs a data set with one label per clip; " + ds.root +
                " has " + (ds.soft_labels ? "soft labels" : "no labels"));
  }
  std::vector<int> present(ds.classes.size(), 0);
  for (const auto& clip : ds.clips) {
    if (clip.label >= 0) ++present[clip.label];
  }
  for (const auto& w : o.wanted_words) {
    int c = IndexOf(ds.classes, w);
    if (c < 0 || present[c] == 0) {
      ThrowOption("--wanted_words names '" + w + "', which has no clips in " + ds.root +
                  " (classes: " + Join(ds.classes) + ")");
    }
  }
  // TensorFlow's order: silence, unknown, then the wanted words.
  std::vector<std::string> classes{o.silence_label, o.unknown_label};
  classes.insert(classes.end(), o.wanted_words.begin(), o.wanted_words.end());
  std::vector<int> map = Remap(ds.classes, classes);
  constexpr int kSilence = 0, kUnknown = 1;

  std::array<int, 4> wanted{};                 // wanted-word clips per split
  std::array<std::vector<size_t>, 4> unknown;  // candidates per split
  for (size_t i = 0; i < ds.clips.size(); ++i) {
    ClipRef& clip = ds.clips[i];
    auto s = static_cast<size_t>(clip.split);
    if (clip.silence) {
      clip.label = kSilence;
    } else if (clip.label >= 0 && map[clip.label] >= 2) {
      clip.label = map[clip.label];
      ++wanted[s];
    } else {
      clip.label = kUnknown;
      unknown[s].push_back(i);
    }
  }
  ds.classes = classes;
  ds.silence_class = kSilence;
  ds.unknown_class = kUnknown;
  if (!pick) return;

  std::vector<bool> drop(ds.clips.size(), false);
  std::vector<ClipRef> silence;
  size_t left_out = 0;
  for (size_t s = 0; s < 4; ++s) {
    if (wanted[s] == 0) {
      for (size_t i : unknown[s]) drop[i] = true;
      left_out += unknown[s].size();
      continue;
    }
    auto portion = [&](double pct) {
      return static_cast<size_t>(std::ceil(wanted[s] * pct / 100.0));
    };
    data_internal::SeededShuffle(unknown[s], static_cast<uint64_t>(o.seed), 1000 + s);
    size_t n_unknown = std::min(portion(o.unknown_percentage), unknown[s].size());
    for (size_t j = n_unknown; j < unknown[s].size(); ++j) drop[unknown[s][j]] = true;
    left_out += unknown[s].size() - n_unknown;
    size_t n_silence = portion(o.silence_percentage);
    for (size_t j = 0; j < n_silence; ++j) {
      ClipRef c;
      c.id = o.silence_label + "/" + SplitName(static_cast<Split>(s)) + "/" + std::to_string(j);
      c.label = kSilence;
      c.silence = true;
      c.split = static_cast<Split>(s);
      silence.push_back(std::move(c));
    }
  }
  std::vector<ClipRef> kept;
  for (size_t i = 0; i < ds.clips.size(); ++i) {
    if (!drop[i]) kept.push_back(std::move(ds.clips[i]));
  }
  for (auto& c : silence) kept.push_back(std::move(c));
  ds.clips = std::move(kept);
  if (left_out > 0) {
    ds.notes.push_back("wanted_words: " + std::to_string(left_out) +
                       " clips of other words not drawn as unknown (unknown_percentage);"
                       " left out");
  }
}

void OrderClasses(Dataset& ds, const std::vector<std::string>& order, const std::string& origin) {
  if (order.empty()) return;
  for (const auto& name : order) {
    if (IndexOf(ds.classes, name) < 0) {
      ThrowOption(origin + " names '" + name + "', which is not a class of " + ds.root +
                  " (classes: " + Join(ds.classes) + ")");
    }
  }
  for (const auto& name : ds.classes) {
    if (IndexOf(order, name) < 0) {
      ThrowOption(origin + " leaves out class '" + name + "' of " + ds.root +
                  "; list every class (" + Join(ds.classes) + ") or use keep");
    }
  }
  std::vector<int> map = Remap(ds.classes, order);
  for (auto& clip : ds.clips) {
    if (clip.label >= 0) clip.label = map[clip.label];
    if (!clip.soft.empty()) {
      std::vector<float> soft(clip.soft.size());
      for (size_t c = 0; c < soft.size(); ++c) soft[map[c]] = clip.soft[c];
      clip.soft = std::move(soft);
    }
  }
  if (ds.silence_class >= 0) ds.silence_class = map[ds.silence_class];
  if (ds.unknown_class >= 0) ds.unknown_class = map[ds.unknown_class];
  ds.classes = order;
}

}  // namespace earshot
