#include "earshot/inference/prediction_formats.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <sstream>

#include <nlohmann/json.hpp>

#include "earshot/data/csv.h"
#include "earshot/util/error.h"
#include "earshot/util/files.h"

namespace earshot {
namespace {

std::string ClassName(const eval::Predictions& p, int c) {
  return c < static_cast<int>(p.classes.size()) ? p.classes[static_cast<size_t>(c)] : std::to_string(c);
}

std::string RowId(const eval::Predictions& p, int64_t r) {
  return r < static_cast<int64_t>(p.ids.size()) ? p.ids[static_cast<size_t>(r)] : std::to_string(r);
}

// Class indices of row r, best first; ties to the lower index.
std::vector<int> Ranked(const eval::Predictions& p, int64_t r, int k) {
  return TopClasses(p.scores.data() + r * p.columns, p.columns, k);
}

std::string Number(double v) {
  std::ostringstream os;
  os.precision(7);
  os << v;
  return os.str();
}

std::string Stem(const std::string& id) {
  const size_t dot = id.rfind('.');
  const size_t slash = id.find_last_of("/\\");
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return id;
  return id.substr(0, dot);
}

}  // namespace

std::vector<int> TopClasses(const float* row, int classes, int k) {
  std::vector<int> order(static_cast<size_t>(classes));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [row](int a, int b) { return row[a] > row[b]; });
  order.resize(static_cast<size_t>(std::max(0, std::min(k, classes))));
  return order;
}

std::string FormatTopK(const eval::Predictions& p, int k, const std::string& format,
                       const std::vector<std::pair<std::string, std::string>>& skipped) {
  if (k < 1) ThrowOption("--top-k should be >= 1. Given: " + std::to_string(k));
  const int shown = std::min(k, p.columns);
  if (format == "csv") {
    std::string out = "id";
    for (int i = 1; i <= shown; ++i) {
      out += ",label_" + std::to_string(i) + ",probability_" + std::to_string(i);
    }
    out += "\n";
    for (int64_t r = 0; r < p.Rows(); ++r) {
      out += CsvField(RowId(p, r));
      for (int c : Ranked(p, r, shown)) {
        out += "," + CsvField(ClassName(p, c)) + "," + Number(p.scores[r * p.columns + c]);
      }
      out += "\n";
    }
    return out;
  }
  if (format == "json") {
    nlohmann::json rows = nlohmann::json::array();
    for (int64_t r = 0; r < p.Rows(); ++r) {
      nlohmann::json top = nlohmann::json::array();
      for (int c : Ranked(p, r, shown)) {
        top.push_back({{"label", ClassName(p, c)}, {"probability", p.scores[r * p.columns + c]}});
      }
      rows.push_back({{"id", RowId(p, r)}, {"top", top}});
    }
    for (const auto& [id, reason] : skipped) {
      rows.push_back({{"id", id}, {"top", nlohmann::json::array()}, {"skipped", reason}});
    }
    return rows.dump(2) + "\n";
  }
  ThrowOption("top-k output format should be csv | json. Given: '" + format + "'");
}

std::string FormatFreesound(const eval::Predictions& p) {
  std::string out = "fname,label\n";
  for (int64_t r = 0; r < p.Rows(); ++r) {
    std::string labels;
    for (int c : Ranked(p, r, 3)) labels += (labels.empty() ? "" : " ") + ClassName(p, c);
    out += CsvField(RowId(p, r)) + "," + CsvField(labels) + "\n";
  }
  return out;
}

std::string FormatDacon(const eval::Predictions& p, const std::string& template_csv) {
  const CsvTable t = ReadCsv(template_csv);
  const int id_col = t.RequireColumn("id");
  std::map<std::string, int> model_class;
  for (int c = 0; c < p.columns; ++c) model_class[ClassName(p, c)] = c;
  std::vector<int> source;  // per template column: model class, or -1 for id
  for (size_t col = 0; col < t.header.size(); ++col) {
    if (static_cast<int>(col) == id_col) {
      source.push_back(-1);
      continue;
    }
    auto it = model_class.find(t.header[col]);
    if (it == model_class.end()) {
      ThrowMismatch(template_csv + ": column '" + t.header[col] +
                    "' is not a class of the model (it has " + std::to_string(p.columns) + ")");
    }
    source.push_back(it->second);
  }
  if (source.size() != static_cast<size_t>(p.columns) + 1) {
    for (int c = 0; c < p.columns; ++c) {
      if (std::find(source.begin(), source.end(), c) == source.end()) {
        ThrowMismatch(template_csv + ": no column for the model's class '" + ClassName(p, c) + "'");
      }
    }
  }
  std::map<std::string, int64_t> row_of;
  for (int64_t r = 0; r < p.Rows(); ++r) {
    row_of.emplace(RowId(p, r), r);
    row_of.emplace(Stem(RowId(p, r)), r);
  }
  std::string out;
  for (size_t col = 0; col < t.header.size(); ++col) out += (col ? "," : "") + CsvField(t.header[col]);
  out += "\n";
  for (size_t r = 0; r < t.rows.size(); ++r) {
    const std::string& id = t.rows[r][static_cast<size_t>(id_col)];
    auto it = row_of.find(id);
    if (it == row_of.end()) it = row_of.find(Stem(id));
    if (it == row_of.end()) ThrowMismatch(t.Where(r) + ": no prediction for id '" + id + "'");
    for (size_t col = 0; col < source.size(); ++col) {
      if (col) out += ",";
      out += source[col] < 0 ? CsvField(id) : Number(p.scores[it->second * p.columns + source[col]]);
    }
    out += "\n";
  }
  return out;
}

std::string WriteNpyWithIds(const std::string& npy_path, const eval::Predictions& p) {
  if (npy_path.size() < 4 || npy_path.substr(npy_path.size() - 4) != ".npy") {
    ThrowOption("--out should end in .npy for --format npy. Given: '" + npy_path + "'");
  }
  eval::WritePredictions(npy_path, p);
  const std::string ids_path = npy_path.substr(0, npy_path.size() - 4) + ".ids.txt";
  std::string ids;
  for (int64_t r = 0; r < p.Rows(); ++r) ids += RowId(p, r) + "\n";
  WriteFileAtomic(ids_path, ids);
  return ids_path;
}

}  // namespace earshot
