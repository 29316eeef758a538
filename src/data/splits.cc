#include "earshot/data/splits.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <unordered_map>

#include "earshot/data/csv.h"
#include "earshot/data/summary.h"
#include "earshot/util/sha1.h"
#include "earshot/util/error.h"
#include "shuffle.h"

namespace earshot {
namespace {

namespace fs = std::filesystem;
using data_internal::SeededShuffle;

// TensorFlow's MAX_NUM_WAVS_PER_CLASS.
constexpr uint64_t kMaxWavsPerClass = (uint64_t{1} << 27) - 1;

// int(hex, 16) % modulus, exactly, one hex digit at a time (Horner's rule);
// the 160-bit number never has to exist.
uint64_t HexModulo(const std::string& hex, uint64_t modulus) {
  uint64_t r = 0;
  for (char c : hex) {
    uint64_t d = c <= '9' ? c - '0' : c - 'a' + 10;
    r = (r * 16 + d) % modulus;
  }
  return r;
}

std::string BaseName(const std::string& path) {
  auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Clip indices grouped by class (MainClass; -1 for unlabeled), classes in
// ascending order so the result does not depend on the clips' order of groups.
std::map<int, std::vector<size_t>> ByClass(const Dataset& ds) {
  std::map<int, std::vector<size_t>> groups;
  for (size_t i = 0; i < ds.clips.size(); ++i) groups[MainClass(ds.clips[i])].push_back(i);
  return groups;
}

size_t Portion(size_t n, double fraction) {
  return static_cast<size_t>(std::llround(static_cast<double>(n) * fraction));
}

// Shuffles a class's clips with the seed and marks the first `test` of them
// for test; returns the rest in their shuffled order.
std::vector<size_t> HoldOutTest(Dataset& ds, std::vector<size_t> members, int group, int seed,
                                double test_fraction) {
  SeededShuffle(members, static_cast<uint64_t>(seed), static_cast<uint64_t>(group + 1));
  size_t n_test = std::min(Portion(members.size(), test_fraction), members.size());
  for (size_t j = 0; j < n_test; ++j) {
    ds.clips[members[j]].split = Split::kTest;
    ds.clips[members[j]].fold = -1;
  }
  return std::vector<size_t>(members.begin() + static_cast<std::ptrdiff_t>(n_test), members.end());
}

std::vector<std::string> ReadListFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) ThrowIo(path + ": cannot open");
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

}  // namespace

double HashPercentage(const std::string& file_name) {
  std::string name = BaseName(file_name);
  auto nohash = name.find("_nohash_");
  if (nohash != std::string::npos) name.erase(nohash);
  uint64_t r = HexModulo(Sha1Hex(name), kMaxWavsPerClass + 1);
  // The same double arithmetic as Python's float product.
  return static_cast<double>(r) * (100.0 / static_cast<double>(kMaxWavsPerClass));
}

Split HashSplit(const std::string& file_name, double validation_percentage,
                double testing_percentage) {
  double p = HashPercentage(file_name);
  if (p < validation_percentage) return Split::kValidation;
  if (p < testing_percentage + validation_percentage) return Split::kTest;
  return Split::kTrain;
}

void AssignHashSplit(Dataset& ds, double validation_percentage, double testing_percentage) {
  for (auto& clip : ds.clips) {
    clip.split = HashSplit(clip.path.empty() ? clip.id : clip.path, validation_percentage,
                           testing_percentage);
    clip.fold = -1;
  }
  ds.folds = 0;
}

std::vector<std::string> AssignListSplit(Dataset& ds, const std::string& root) {
  std::vector<std::string> empty;
  std::unordered_map<std::string, size_t> index;
  for (size_t i = 0; i < ds.clips.size(); ++i) {
    index[ds.clips[i].id] = i;
    ds.clips[i].split = Split::kTrain;
    ds.clips[i].fold = -1;
  }
  ds.folds = 0;
  std::set<size_t> listed;
  for (auto [file, split] : {std::pair{"validation_list.txt", Split::kValidation},
                             std::pair{"testing_list.txt", Split::kTest}}) {
    fs::path path = fs::path(root) / file;
    if (!fs::exists(path)) continue;
    std::vector<std::string> lines = ReadListFile(path.string());
    int absent = 0, assigned = 0;
    for (size_t n = 0; n < lines.size(); ++n) {
      const std::string& entry = lines[n];
      if (entry.empty()) continue;
      std::string where = path.string() + " line " + std::to_string(n + 1);
      auto it = index.find(entry);
      if (it == index.end()) {
        std::string folder = entry.substr(0, entry.find('/'));
        if (fs::is_directory(fs::path(root) / folder)) {
          ThrowBadData(where + ": '" + entry + "' is not a clip of the data set");
        }
        ++absent;
        continue;
      }
      if (!listed.insert(it->second).second) {
        ThrowBadData(where + ": '" + entry + "' is already in a list");
      }
      ds.clips[it->second].split = split;
      ++assigned;
    }
    if (assigned == 0) empty.push_back(path.string());
    if (absent > 0) {
      ds.notes.push_back(path.string() + ": " + std::to_string(absent) +
                         " entries name folders that are not here; ignored");
    }
  }
  return empty;
}

void StratifiedSplit(Dataset& ds, double validation_fraction, double test_fraction, int seed) {
  for (auto& [group, members] : ByClass(ds)) {
    std::vector<size_t> rest = HoldOutTest(ds, members, group, seed, test_fraction);
    size_t n_val = std::min(Portion(members.size(), validation_fraction), rest.size());
    for (size_t j = 0; j < rest.size(); ++j) {
      ds.clips[rest[j]].split = j < n_val ? Split::kValidation : Split::kTrain;
      ds.clips[rest[j]].fold = -1;
    }
  }
  ds.folds = 0;
}

void StratifiedKFold(Dataset& ds, int folds, int fold, int seed, double test_fraction) {
  if (folds < 2) ThrowOption("--folds should be >= 2. Given: " + std::to_string(folds));
  // Dealing continues where the last class stopped, so the folds' sizes
  // also differ by at most one.
  size_t next = 0;
  for (auto& [group, members] : ByClass(ds)) {
    std::vector<size_t> rest = HoldOutTest(ds, members, group, seed, test_fraction);
    for (size_t j = 0; j < rest.size(); ++j) {
      ds.clips[rest[j]].fold = static_cast<int>((next + j) % static_cast<size_t>(folds));
    }
    next = (next + rest.size()) % static_cast<size_t>(folds);
  }
  ds.folds = folds;
  UseFold(ds, fold);
}

void UseFold(Dataset& ds, int fold) {
  if (ds.folds <= 0) ThrowOption("--fold: the data set was not split into folds (--split=kfold)");
  if (fold < 0 || fold >= ds.folds) {
    ThrowOption("--fold should be in [0, " + std::to_string(ds.folds - 1) +
                "]. Given: " + std::to_string(fold));
  }
  for (auto& clip : ds.clips) {
    if (clip.fold >= 0) clip.split = clip.fold == fold ? Split::kValidation : Split::kTrain;
  }
}

void NoSplit(Dataset& ds) {
  for (auto& clip : ds.clips) {
    clip.split = Split::kTrain;
    clip.fold = -1;
  }
  ds.folds = 0;
}

void SaveSplit(const Dataset& ds, const std::string& path) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    if (!out) ThrowIo(tmp + ": cannot create");
    out << (ds.folds > 0 ? "id,split,fold\n" : "id,split\n");
    for (const auto& clip : ds.clips) {
      out << CsvField(clip.id) << ',' << SplitName(clip.split);
      if (ds.folds > 0) out << ',' << clip.fold;
      out << '\n';
    }
    out.flush();
    if (!out) ThrowIo(tmp + ": write failed");
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp);
    ThrowIo(path + ": cannot write (" + ec.message() + ")");
  }
}

std::vector<SplitEntry> LoadSplit(const std::string& path) {
  CsvTable t = ReadCsv(path);
  int id_col = t.RequireColumn("id");
  int split_col = t.RequireColumn("split");
  int fold_col = t.Column("fold");
  std::vector<SplitEntry> out;
  std::set<std::string> seen;
  for (size_t r = 0; r < t.rows.size(); ++r) {
    const auto& row = t.rows[r];
    SplitEntry e;
    e.id = row[id_col];
    if (e.id.empty()) ThrowBadData(t.Where(r) + ": empty id");
    if (!seen.insert(e.id).second) ThrowBadData(t.Where(r) + ": id '" + e.id + "' appears twice");
    try {
      e.split = ParseSplit(row[split_col]);
    } catch (const Error& err) {
      ThrowBadData(t.Where(r) + ", column split: " + err.what());
    }
    if (fold_col >= 0) {
      const std::string& f = row[fold_col];
      char* end = nullptr;
      long v = std::strtol(f.c_str(), &end, 10);
      if (f.empty() || *end != '\0' || v < -1 || v > 100000) {
        ThrowBadData(t.Where(r) + ", column fold: '" + f + "' is not a fold number (-1 = none)");
      }
      e.fold = static_cast<int>(v);
    }
    out.push_back(std::move(e));
  }
  return out;
}

void ApplySplit(Dataset& ds, const std::vector<SplitEntry>& entries, const std::string& origin,
                const std::string& silence_prefix) {
  std::unordered_map<std::string, const SplitEntry*> by_id;
  for (const auto& e : entries) by_id[e.id] = &e;
  std::set<std::string> used;
  std::vector<ClipRef> kept;
  for (auto& clip : ds.clips) {
    auto it = by_id.find(clip.id);
    if (it == by_id.end()) continue;
    clip.split = it->second->split;
    clip.fold = it->second->fold;
    used.insert(clip.id);
    kept.push_back(std::move(clip));
  }
  size_t left_out = ds.clips.size() - kept.size();
  const std::string prefix = silence_prefix + "/";
  for (const auto& e : entries) {
    if (used.count(e.id)) continue;
    if (e.id.compare(0, prefix.size(), prefix) != 0) {
      ThrowBadData(origin + ": clip '" + e.id + "' is not in the data set");
    }
    ClipRef silence;
    silence.id = e.id;
    silence.silence = true;
    silence.split = e.split;
    silence.fold = e.fold;
    kept.push_back(std::move(silence));
  }
  ds.clips = std::move(kept);
  int max_fold = -1;
  for (const auto& clip : ds.clips) max_fold = std::max(max_fold, clip.fold);
  ds.folds = max_fold + 1;
  if (left_out > 0) {
    ds.notes.push_back(origin + ": " + std::to_string(left_out) +
                       " clips are not in the split file; left out");
  }
}

}  // namespace earshot
