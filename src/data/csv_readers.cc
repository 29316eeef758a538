// Manifest layouts: Freesound's train.csv (fname,label,manually_verified)
// and soft-label tables (id + one share per class), audio in a folder.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <sstream>

#include "earshot/data/csv.h"
#include "earshot/util/error.h"
#include "earshot/util/utf8.h"
#include "layout_readers.h"

namespace earshot::data_internal {
namespace {

namespace fs = std::filesystem;

struct Manifest {
  fs::path dir;    // where relative audio folders are
  fs::path table;  // the CSV
};

// root may be the folder or the manifest itself.
Manifest Locate(const DataOptions& o, const std::string& file, const char* default_file) {
  Manifest m;
  if (fs::is_regular_file(o.root) && file.empty()) {
    m.table = o.root;
    m.dir = m.table.parent_path();
  } else {
    m.dir = fs::is_regular_file(o.root) ? fs::path(o.root).parent_path() : fs::path(o.root);
    m.table = m.dir / (file.empty() ? default_file : file);
  }
  return m;
}

std::string AudioPath(const fs::path& audio_dir, const std::string& id) {
  // Ids with their own extension (fname column) are file names already.
  if (HasExtension(id, {"wav", "flac", "ogg", "mp3", "aiff", "aif", "au"})) {
    return (audio_dir / id).string();
  }
  return (audio_dir / (id + ".wav")).string();
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

bool ParseVerified(const std::string& text, bool* out) {
  std::string v = Trim(text);
  if (v == "1" || v == "1.0" || v == "true" || v == "True" || v == "TRUE") return *out = true, true;
  if (v == "0" || v == "0.0" || v == "false" || v == "False" || v == "FALSE") return *out = false, true;
  return false;
}

void CheckUnique(const CsvTable& t, size_t r, const std::string& id, std::set<std::string>& seen) {
  if (id.empty()) ThrowBadData(t.Where(r) + ": empty id");
  if (!seen.insert(id).second) ThrowBadData(t.Where(r) + ": id '" + id + "' appears twice");
}

}  // namespace

Dataset ReadCsvManifest(const DataOptions& o) {
  Manifest m = Locate(o, o.csv, "train.csv");
  return CsvManifestFromTable(ReadCsv(m.table.string()), o,
                              (m.dir / (o.audio_dir.empty() ? "audio_train" : o.audio_dir)).string());
}

Dataset CsvManifestFromTable(const CsvTable& t, const DataOptions& o, const std::string& audio_dir) {
  const fs::path audio = audio_dir;
  const int id_col = t.RequireColumn(o.id_column.empty() ? "fname" : o.id_column);
  const int label_col = t.RequireColumn(o.label_column);
  const int verified_col = t.Column(o.verified_column);

  Dataset ds;
  ds.root = t.path;
  ds.layout = "csv";
  std::set<std::string> labels, seen;
  for (size_t r = 0; r < t.rows.size(); ++r) {
    const auto& row = t.rows[r];
    std::string id = Trim(row[id_col]);
    CheckUnique(t, r, id, seen);
    std::string label = Trim(row[label_col]);
    if (label.empty()) ThrowBadData(t.Where(r) + ", column " + o.label_column + ": empty label");
    // Class names go into JSON (data.json, bundles), which takes UTF-8 only.
    if (!IsValidUtf8(label)) {
      ThrowBadData(t.Where(r) + ", column " + o.label_column + ": the label is not UTF-8 text");
    }
    labels.insert(label);
  }
  ds.classes.assign(labels.begin(), labels.end());
  for (size_t r = 0; r < t.rows.size(); ++r) {
    const auto& row = t.rows[r];
    ClipRef clip;
    clip.id = Trim(row[id_col]);
    clip.path = AudioPath(audio, clip.id);
    std::string label = Trim(row[label_col]);
    clip.label = static_cast<int>(
        std::lower_bound(ds.classes.begin(), ds.classes.end(), label) - ds.classes.begin());
    if (verified_col >= 0 && !ParseVerified(row[verified_col], &clip.verified)) {
      ThrowBadData(t.Where(r) + ", column " + o.verified_column + ": '" + row[verified_col] +
                   "' is not 1/0 or true/false");
    }
    ds.clips.push_back(std::move(clip));
  }
  return ds;
}

Dataset ReadSoftCsv(const DataOptions& o) {
  Manifest m = Locate(o, o.csv, "train_answer.csv");
  return SoftCsvFromTable(ReadCsv(m.table.string()), o,
                          (m.dir / (o.audio_dir.empty() ? "train" : o.audio_dir)).string());
}

Dataset SoftCsvFromTable(const CsvTable& t, const DataOptions& o, const std::string& audio_dir) {
  const fs::path audio = audio_dir;
  const std::string id_name = o.id_column.empty() ? "id" : o.id_column;
  const int id_col = t.RequireColumn(id_name);

  Dataset ds;
  ds.root = t.path;
  ds.layout = "soft_csv";
  ds.soft_labels = true;
  std::vector<int> class_cols;
  std::set<std::string> names;
  for (size_t c = 0; c < t.header.size(); ++c) {
    if (static_cast<int>(c) == id_col) continue;
    if (!IsValidUtf8(t.header[c])) {
      ThrowBadData(t.path + ": column " + std::to_string(c + 1) + " of the header is not UTF-8 text");
    }
    if (!names.insert(t.header[c]).second) {
      ThrowBadData(t.path + ": column '" + t.header[c] + "' appears twice in the header");
    }
    ds.classes.push_back(t.header[c]);
    class_cols.push_back(static_cast<int>(c));
  }
  if (ds.classes.empty()) ThrowBadData(t.path + ": no class columns besides '" + id_name + "'");

  std::set<std::string> seen;
  for (size_t r = 0; r < t.rows.size(); ++r) {
    const auto& row = t.rows[r];
    ClipRef clip;
    clip.id = Trim(row[id_col]);
    CheckUnique(t, r, clip.id, seen);
    clip.path = AudioPath(audio, clip.id);
    double sum = 0.0;
    for (size_t k = 0; k < class_cols.size(); ++k) {
      const std::string text = Trim(row[class_cols[k]]);
      const std::string where = t.Where(r) + ", column " + ds.classes[k];
      char* end = nullptr;
      errno = 0;
      double v = std::strtod(text.c_str(), &end);
      // The whole field, a NUL byte in it included, must be the number.
      if (text.empty() || end != text.c_str() + text.size()) {
        ThrowBadData(where + ": '" + text + "' is not a number");
      }
      if (!std::isfinite(v)) ThrowBadData(where + ": " + text + " is not a share of a distribution");
      if (v < 0) ThrowBadData(where + ": " + text + " is negative; shares must be >= 0");
      sum += v;
      clip.soft.push_back(static_cast<float>(v));
    }
    if (std::abs(sum - 1.0) > o.soft_tolerance) {
      std::ostringstream os;
      os.precision(10);
      os << t.Where(r) << ": the shares sum to " << sum << ", not 1 (soft_tolerance "
         << o.soft_tolerance << ")";
      ThrowBadData(os.str());
    }
    ds.clips.push_back(std::move(clip));
  }
  return ds;
}

Dataset ReadCsvTestSet(const DataOptions& o, const std::string& layout) {
  const bool soft = layout == "soft_csv";
  Manifest m = Locate(o, o.test_csv, "");
  CsvTable t = ReadCsv(m.table.string());
  const int id_col = t.RequireColumn(!o.id_column.empty() ? o.id_column : soft ? "id" : "fname");
  const fs::path audio =
      m.dir / (!o.test_audio_dir.empty() ? o.test_audio_dir : soft ? "test" : "audio_test");
  Dataset ds;
  ds.root = m.table.string();
  ds.layout = layout;
  if (soft) {
    // The submission's columns: the order the answers must be written in.
    for (size_t c = 0; c < t.header.size(); ++c) {
      if (static_cast<int>(c) != id_col) ds.classes.push_back(t.header[c]);
    }
  }
  std::set<std::string> seen;
  for (size_t r = 0; r < t.rows.size(); ++r) {
    ClipRef clip;
    clip.id = Trim(t.rows[r][id_col]);
    CheckUnique(t, r, clip.id, seen);
    clip.path = AudioPath(audio, clip.id);
    clip.split = Split::kTest;
    ds.clips.push_back(std::move(clip));
  }
  return ds;
}

}  // namespace earshot::data_internal
