#include "earshot/data/inspect.h"

#include <algorithm>
#include <utility>

#include "earshot/audio/decode.h"
#include "earshot/data/load_clips.h"
#include "earshot/util/error.h"
#include "earshot/util/parallel.h"

namespace earshot {
namespace {

struct Probe {
  Probe(std::string p, std::string i) : path(std::move(p)), id(std::move(i)) {}
  std::string path;
  std::string id;  // empty for noise files
  bool ok = false;
  AudioInfo info;
  std::string reason;
};

// Headers only: a 100k-file set takes seconds.
void ProbeAll(std::vector<Probe>& probes, int threads) {
  ParallelFor(static_cast<int64_t>(probes.size()), threads, [&](int64_t i) {
    Probe& p = probes[static_cast<size_t>(i)];
    try {
      p.info = ProbeFile(p.path);
      p.ok = true;
    } catch (const Error& e) {
      p.reason = e.what();
    }
  });
}

}  // namespace

AudioReport InspectAudio(const Dataset& ds, int threads) {
  AudioReport r;
  std::vector<Probe> probes;
  for (const auto& clip : ds.clips) {
    if (!clip.path.empty()) probes.emplace_back(clip.path, clip.id);
  }
  const size_t n_clip_probes = probes.size();
  for (const auto& f : ds.noise_files) probes.emplace_back(f, "");
  ProbeAll(probes, threads);

  for (size_t i = 0; i < probes.size(); ++i) {
    const Probe& p = probes[i];
    if (!p.ok) {
      r.unreadable.push_back({p.path, p.id, p.reason});
      continue;
    }
    if (i >= n_clip_probes) {
      ++r.noise_files;
      r.noise_seconds += p.info.duration;
      continue;
    }
    ++r.readable;
    ++r.sample_rates[std::to_string(p.info.sample_rate)];
    ++r.channels[std::to_string(p.info.channels)];
    ++r.formats[p.info.format];
  }
  // Durations by split; the probes follow the clips' order.
  size_t k = 0;
  for (const auto& clip : ds.clips) {
    if (clip.path.empty()) {
      if (clip.array_row >= 0) {
        r.durations[clip.split].push_back(static_cast<double>(ds.array_samples) / ds.array_rate);
      }
      continue;
    }
    if (probes[k].ok) r.durations[clip.split].push_back(probes[k].info.duration);
    ++k;
  }
  if (!ds.array.empty()) {
    const int rows = static_cast<int>(ds.array.size() / static_cast<size_t>(ds.array_samples));
    r.sample_rates[std::to_string(ds.array_rate)] += rows;
    r.channels["1"] += rows;
    r.readable += rows;
  }

  // Every clip decoded: peaks and clipping, and the clips whose samples
  // break the level rule (their headers were fine).
  const std::vector<MeasuredClip> measured = MeasureClipLevels(ds, threads);
  k = 0;
  for (size_t i = 0; i < ds.clips.size(); ++i) {
    const ClipRef& clip = ds.clips[i];
    const bool header_ok = clip.path.empty() || probes[k++].ok;
    if (measured[i].reason.empty() || !header_ok) continue;
    const std::string where = clip.path.empty()
                                  ? ds.root + ": row " + std::to_string(clip.array_row) + " (" + clip.id + ")"
                                  : clip.path;
    r.unreadable.push_back({where, clip.id, measured[i].reason});
    if (clip.path.empty()) --r.readable;
  }
  r.levels = SummarizeLevels(ds, measured);
  return r;
}

DurationSummary SummarizeDurations(std::vector<double> d) {
  DurationSummary s;
  if (d.empty()) return s;
  std::sort(d.begin(), d.end());
  s.count = static_cast<int64_t>(d.size());
  for (double x : d) s.total += x;
  const size_t n = d.size();
  s.min = d.front();
  s.max = d.back();
  s.mean = s.total / static_cast<double>(n);
  s.median = n % 2 ? d[n / 2] : (d[n / 2 - 1] + d[n / 2]) / 2;
  const int bins = d.front() == d.back() ? 1 : 20;
  const double width = (d.back() - d.front()) / bins;
  s.counts.assign(static_cast<size_t>(bins), 0);
  for (int b = 0; b <= bins; ++b) s.edges.push_back(d.front() + b * width);
  for (double x : d) {
    const int b = width > 0 ? static_cast<int>((x - d.front()) / width) : 0;
    ++s.counts[static_cast<size_t>(std::min(b, bins - 1))];
  }
  return s;
}

}  // namespace earshot
