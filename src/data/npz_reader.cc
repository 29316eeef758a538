// NumPy archives of equal-length clips (seed 001: wav_vals float32
// (clips, samples), label_vals (clips, 1) strings, 8 kHz).
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

#include "earshot/util/error.h"
#include "earshot/util/npz.h"
#include "earshot/util/utf8.h"
#include "layout_readers.h"

namespace earshot::data_internal {
namespace {

namespace fs = std::filesystem;

std::string ShapeText(const std::vector<int64_t>& shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + ")";
}

// The one .npz of a folder, or root itself.
std::string NpzPath(const std::string& root) {
  if (!fs::is_directory(root)) return root;
  std::vector<std::string> found;
  for (const auto& e : fs::directory_iterator(root)) {
    if (e.is_regular_file() && HasExtension(e.path().string(), {"npz"})) found.push_back(e.path().string());
  }
  std::sort(found.begin(), found.end());
  if (found.size() != 1) {
    std::string list;
    for (const auto& f : found) list += (list.empty() ? "" : ", ") + f;
    ThrowBadData(root + ": expected one .npz file, found " + std::to_string(found.size()) +
                 (list.empty() ? "" : " (" + list + ")") + "; give the file as root");
  }
  return found[0];
}

// NpzMember's message plus the option that names the member.
const NpyArray& Member(const std::map<std::string, NpyArray>& members, const std::string& name,
                       const std::string& path, const char* option) {
  try {
    return NpzMember(members, name, path);
  } catch (const Error& e) {
    ThrowBadData(std::string(e.what()) + " (option " + option + ")");
  }
}

std::string CleanLabel(std::string s) {
  while (!s.empty() && (s.back() == '\0' || s.back() == ' ')) s.pop_back();
  size_t b = s.find_first_not_of(' ');
  return b == std::string::npos ? "" : s.substr(b);
}

}  // namespace

Dataset ReadNpzSet(const DataOptions& o) {
  const std::string path = NpzPath(o.root);
  std::map<std::string, NpyArray> members = ReadNpz(path);
  const NpyArray& labels = Member(members, o.npz_labels, path, "npz_labels");
  Member(members, o.npz_samples, path, "npz_samples");
  NpyArray samples = std::move(members.at(o.npz_samples));  // the clips can be gigabytes
  const auto& shape = samples.shape;
  if (samples.is_string || !(shape.size() == 2 || (shape.size() == 3 && shape[2] == 1)) ||
      shape[0] <= 0 || shape[1] <= 0) {
    ThrowBadData(path + ": array '" + o.npz_samples + "' should be numbers shaped (clips, samples). "
                 "Given: " + (samples.is_string ? "strings " : "") + ShapeText(shape));
  }
  const int64_t rows = shape[0], width = shape[1];
  int64_t n_labels = 1;
  for (int64_t d : labels.shape) n_labels *= d;
  if (n_labels != rows) {
    ThrowBadData(path + ": array '" + o.npz_labels + "' holds " + std::to_string(n_labels) +
                 " labels " + ShapeText(labels.shape) + " for " + std::to_string(rows) + " clips");
  }
  // Sample values are checked per row when the clips are loaded (LoadClips).
  Dataset ds;
  ds.root = path;
  ds.layout = "npz";
  std::vector<std::string> names(static_cast<size_t>(rows));
  for (int64_t r = 0; r < rows; ++r) {
    std::string where = path + ": array '" + o.npz_labels + "' row " + std::to_string(r);
    if (labels.is_string) {
      names[r] = CleanLabel(labels.strings[r]);
      if (names[r].empty()) ThrowBadData(where + ": empty label");
      // Class names go into JSON (data.json, bundles), which takes UTF-8 only.
      if (!IsValidUtf8(names[r])) ThrowBadData(where + ": the label is not UTF-8 text");
      continue;
    }
    // Integer class ids: names from the classes option when given.
    float v = labels.data[r];
    if (!(v >= 0) || v != std::floor(v) || v > 1e6) {
      ThrowBadData(where + ": " + std::to_string(v) + " is not a class id (an integer >= 0)");
    }
    auto id = static_cast<size_t>(v);
    if (!o.classes.empty() && id >= o.classes.size()) {
      ThrowBadData(where + ": class id " + std::to_string(id) + " but option classes names " +
                   std::to_string(o.classes.size()) + " classes");
    }
    names[r] = o.classes.empty() ? std::to_string(id) : o.classes[id];
  }
  if (!labels.is_string && !o.classes.empty()) {
    ds.classes = o.classes;
  } else {
    std::set<std::string> unique(names.begin(), names.end());
    ds.classes.assign(unique.begin(), unique.end());
  }
  for (int64_t r = 0; r < rows; ++r) {
    ClipRef clip;
    clip.id = std::to_string(r);
    clip.array_row = r;
    clip.label = static_cast<int>(
        std::find(ds.classes.begin(), ds.classes.end(), names[r]) - ds.classes.begin());
    ds.clips.push_back(std::move(clip));
  }
  ds.array = std::move(samples.data);
  ds.array_samples = width;
  ds.array_rate = o.npz_rate;
  return ds;
}

}  // namespace earshot::data_internal
