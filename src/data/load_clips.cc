#include "earshot/data/load_clips.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "earshot/audio/decode.h"
#include "earshot/audio/levels.h"
#include "earshot/util/error.h"
#include "earshot/util/parallel.h"

namespace earshot {
namespace {

// One thing to decode: a file, or a row of Dataset::array.
struct Item {
  std::string path;         // file, or empty for an array row
  int64_t array_row = -1;
  std::string name;         // for the report
  int64_t length = 0;       // samples after resampling, from the header
  std::string reason;       // why it could not be read; empty when it could
};

// The decoder's messages start with the file name; the report keeps it apart.
std::string ReasonOf(const Error& e, const std::string& name) {
  std::string m = e.what();
  const std::string prefix = name + ": ";
  return m.compare(0, prefix.size(), prefix) == 0 ? m.substr(prefix.size()) : m;
}

// The length Resample gives for n samples.
int64_t ResampledLength(int64_t n, int from_rate, int to_rate) {
  if (from_rate == to_rate) return n;
  const double ratio = static_cast<double>(to_rate) / from_rate;
  return static_cast<int64_t>(std::llround(static_cast<double>(n) * ratio));
}

std::vector<float> ArrayRow(const Dataset& ds, int64_t row, int sample_rate) {
  if (row < 0 || ds.array_samples <= 0 ||
      (row + 1) * ds.array_samples > static_cast<int64_t>(ds.array.size())) {
    ThrowBadData("row " + std::to_string(row) + " is outside the array");
  }
  const float* begin = ds.array.data() + row * ds.array_samples;
  std::vector<float> x(begin, begin + ds.array_samples);
  // The rule of decoded files: non-finite samples or an absurd peak are errors.
  const std::string where = "row " + std::to_string(row);
  const std::string prefix = where + ": ";
  try {
    CheckLevels(x.data(), static_cast<int64_t>(x.size()), where);
  } catch (const Error& e) {
    const std::string m = e.what();  // the report names the row already
    ThrowBadData(m.compare(0, prefix.size(), prefix) == 0 ? m.substr(prefix.size()) : m);
  }
  return Resample(x, ds.array_rate, sample_rate);
}

void Probe(const Dataset& ds, int sample_rate, Item& item) {
  try {
    if (!item.path.empty()) {
      AudioInfo info = ProbeFile(item.path);
      item.length = ResampledLength(info.frames, info.sample_rate, sample_rate);
      return;
    }
    const int64_t rows = ds.array_samples > 0
                             ? static_cast<int64_t>(ds.array.size()) / ds.array_samples : 0;
    if (item.array_row >= rows) {
      ThrowBadData("row " + std::to_string(item.array_row) + " is past the array's " +
                   std::to_string(rows) + " rows");
    }
    if (ds.array_rate <= 0) {
      ThrowBadData("the array's sample rate is " + std::to_string(ds.array_rate) + " Hz");
    }
    item.length = ResampledLength(ds.array_samples, ds.array_rate, sample_rate);
  } catch (const Error& e) {
    item.reason = BadFileOf(item.name, e.what()).reason;
  }
}

void Decode(const Dataset& ds, int sample_rate, Item& item, ClipStore& store, int64_t row) {
  try {
    std::vector<float> x = item.path.empty() ? ArrayRow(ds, item.array_row, sample_rate)
                                             : DecodeFile(item.path, sample_rate);
    if (static_cast<int64_t>(x.size()) != item.length) {
      ThrowBadData("decoded to " + std::to_string(x.size()) + " samples, the header promised " +
                   std::to_string(item.length));
    }
    store.Write(row, x.data());
  } catch (const Error& e) {
    item.reason = BadFileOf(item.name, e.what()).reason;
  }
}

// Probes, sizes the store once, decodes in place, and drops the rows whose
// decoding failed after the header looked fine. Returns each item's row or kBad.
std::vector<int64_t> LoadItems(const Dataset& ds, int sample_rate, int threads,
                               std::vector<Item>& items, ClipStore& store) {
  // Only earshot::Error is a per-item outcome (Probe and Decode record it);
  // anything else stops the load.
  const int64_t n = static_cast<int64_t>(items.size());
  ParallelFor(n, threads, [&](int64_t i) { Probe(ds, sample_rate, items[i]); });
  std::vector<int64_t> row(items.size(), LoadedClips::kBad);
  std::vector<int64_t> lengths;
  for (int64_t i = 0; i < n; ++i) {
    if (!items[i].reason.empty()) continue;
    row[i] = static_cast<int64_t>(lengths.size());
    lengths.push_back(items[i].length);
  }
  store.Reserve(lengths);
  ParallelFor(n, threads, [&](int64_t i) {
    if (row[i] != LoadedClips::kBad) Decode(ds, sample_rate, items[i], store, row[i]);
  });
  std::vector<bool> keep(lengths.size(), true);
  bool all_kept = true;
  for (int64_t i = 0; i < n; ++i) {
    if (row[i] != LoadedClips::kBad && !items[i].reason.empty()) {
      keep[row[i]] = false;
      all_kept = false;
    }
  }
  if (all_kept) return row;
  std::vector<int64_t> moved = store.Compact(keep);
  for (int64_t& r : row) {
    if (r != LoadedClips::kBad) r = moved[r] >= 0 ? moved[r] : LoadedClips::kBad;
  }
  return row;
}

}  // namespace

LoadedClips LoadClips(const Dataset& dataset, int sample_rate, const StoreOptions& options) {
  ValidateOptions(options, "store");
  if (sample_rate <= 0) {
    ThrowOption("LoadClips: sample_rate should be > 0. Given: " + std::to_string(sample_rate));
  }
  LoadedClips out;
  out.clips = ClipStore(sample_rate);
  out.noise = ClipStore(sample_rate);
  out.row.assign(dataset.clips.size(), LoadedClips::kSilence);

  std::vector<Item> items;
  std::vector<size_t> clip_of_item;
  for (size_t c = 0; c < dataset.clips.size(); ++c) {
    const ClipRef& ref = dataset.clips[c];
    if (ref.silence || (ref.path.empty() && ref.array_row < 0)) continue;  // made by the loader
    Item item;
    item.path = ref.path;
    item.array_row = ref.array_row;
    item.name = !ref.path.empty() ? ref.path
                                  : dataset.root + ": row " + std::to_string(ref.array_row) +
                                        (ref.id.empty() ? "" : " (" + ref.id + ")");
    items.push_back(std::move(item));
    clip_of_item.push_back(c);
  }
  std::vector<int64_t> rows = LoadItems(dataset, sample_rate, options.threads, items, out.clips);
  for (size_t i = 0; i < items.size(); ++i) out.row[clip_of_item[i]] = rows[i];

  std::vector<Item> noise;
  for (const std::string& path : dataset.noise_files) {
    Item item;
    item.path = item.name = path;
    noise.push_back(std::move(item));
  }
  LoadItems(dataset, sample_rate, options.threads, noise, out.noise);

  out.bad.files = static_cast<int64_t>(items.size() + noise.size());
  for (const auto* list : {&items, &noise}) {
    for (const Item& item : *list) {
      if (!item.reason.empty()) out.bad.bad.push_back({item.name, item.reason});
    }
  }
  EnforceBadFilePolicy(out.bad, options);
  if (out.clips.NumScaled() > 0) {
    std::ostringstream note;
    note << out.clips.NumScaled() << " of " << out.clips.NumClips()
         << " clips peak above full scale (largest peak " << out.clips.LargestPeak()
         << "); kept unclipped, each with its own scale";
    out.notes.push_back(note.str());
  }
  return out;
}

std::vector<MeasuredClip> MeasureClipLevels(const Dataset& dataset, int threads) {
  std::vector<MeasuredClip> out(dataset.clips.size());
  ParallelFor(static_cast<int64_t>(out.size()), threads, [&](int64_t i) {
    const ClipRef& ref = dataset.clips[static_cast<size_t>(i)];
    if (ref.silence || (ref.path.empty() && ref.array_row < 0)) return;
    MeasuredClip& m = out[static_cast<size_t>(i)];
    try {
      const std::vector<float> x = !ref.path.empty() ? DecodeFile(ref.path)
                                                     : ArrayRow(dataset, ref.array_row, dataset.array_rate);
      m.levels = MeasureLevels(x.data(), static_cast<int64_t>(x.size()));
    } catch (const Error& e) {
      m.reason = BadFileOf(ref.path, e.what()).reason;
    }
  });
  return out;
}

void LeaveOutUnreadable(Dataset& dataset, const LoadedClips& loaded) {
  if (loaded.row.size() != dataset.clips.size()) {
    ThrowMismatch("LoadedClips holds " + std::to_string(loaded.row.size()) + " clips, the data set " +
                  std::to_string(dataset.clips.size()));
  }
  int64_t left_out = 0;
  for (size_t i = 0; i < dataset.clips.size(); ++i) {
    if (loaded.row[i] != LoadedClips::kBad) continue;
    dataset.clips[i].split = Split::kNone;
    dataset.clips[i].fold = -1;
    ++left_out;
  }
  if (left_out > 0) {
    dataset.notes.push_back(std::to_string(left_out) + (left_out == 1 ? " unreadable clip" : " unreadable clips") +
                            " left out of every split (split none)");
  }
}

}  // namespace earshot
