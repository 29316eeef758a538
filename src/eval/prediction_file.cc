// Prediction sets on disk: .npy matrices and `id,<class...>` CSV files.
#include <charconv>
#include <cmath>
#include <map>
#include <sstream>

#include "earshot/data/csv.h"
#include "earshot/eval/ensemble.h"
#include "earshot/util/error.h"
#include "earshot/util/files.h"
#include "earshot/util/npy.h"

namespace earshot::eval {
namespace {

bool EndsWith(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

enum class Format { kNpy, kCsv };

Format FormatOf(const std::string& path) {
  if (EndsWith(path, ".npy")) return Format::kNpy;
  if (EndsWith(path, ".csv")) return Format::kCsv;
  ThrowOption(path + ": prediction files should end in .npy or .csv");
}

std::string Trimmed(const std::string& s) {
  const size_t first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

Predictions ReadNpyPredictions(const std::string& path, const std::vector<std::string>& classes) {
  NpyArray a = ReadNpy(path);
  if (a.is_string || a.shape.size() != 2 || a.shape[1] < 1) {
    ThrowBadData(path + ": expected a 2-D numeric array [rows, classes]");
  }
  if (!classes.empty() && a.shape[1] != static_cast<int64_t>(classes.size())) {
    ThrowMismatch(path + ": " + std::to_string(a.shape[1]) + " columns for " +
                  std::to_string(classes.size()) + " classes");
  }
  Predictions p;
  p.source = path;
  p.classes = classes;
  p.columns = static_cast<int>(a.shape[1]);
  p.scores = std::move(a.data);
  return p;
}

Predictions ReadCsvPredictions(const std::string& path, const std::vector<std::string>& classes) {
  const CsvTable table = ReadCsv(path);
  const std::vector<std::string>& header = table.header;
  if (header.size() < 2 || header[0] != "id") {
    std::string given;
    for (const auto& h : header) given += (given.empty() ? "" : ",") + h;
    ThrowBadData(path + ": header should be id,<class...>. Given: '" + given + "'");
  }
  std::map<std::string, int> file_column;  // class name -> column in the file
  for (size_t c = 1; c < header.size(); ++c) {
    if (!file_column.emplace(header[c], static_cast<int>(c)).second) {
      ThrowBadData(path + ": class '" + header[c] + "' appears twice in the header");
    }
  }
  Predictions p;
  p.source = path;
  p.classes =
      classes.empty() ? std::vector<std::string>(header.begin() + 1, header.end()) : classes;
  p.columns = static_cast<int>(p.classes.size());
  std::vector<int> take;  // file column for each output column
  std::string missing;
  for (const std::string& name : p.classes) {
    auto it = file_column.find(name);
    if (it == file_column.end()) {
      missing += (missing.empty() ? "" : ", ") + name;
    } else {
      take.push_back(it->second);
      file_column.erase(it);
    }
  }
  if (!missing.empty()) ThrowMismatch(path + ": classes missing from the header: " + missing);
  if (!file_column.empty()) {
    std::string extra;
    for (const auto& [name, column] : file_column) extra += (extra.empty() ? "" : ", ") + name;
    ThrowMismatch(path + ": header has classes that are not in the class list: " + extra);
  }
  if (table.rows.empty()) ThrowBadData(path + ": no rows after the header");
  p.scores.reserve(table.rows.size() * take.size());
  for (size_t r = 0; r < table.rows.size(); ++r) {
    const std::vector<std::string>& row = table.rows[r];
    p.ids.push_back(row[0]);
    for (size_t c = 0; c < take.size(); ++c) {
      const std::string text = Trimmed(row[static_cast<size_t>(take[c])]);
      float v = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v)) {
        ThrowBadData(table.Where(r) + ": column '" + p.classes[c] + "' is '" + text +
                     "', not a number");
      }
      p.scores.push_back(v);
    }
  }
  return p;
}

void WriteCsvPredictions(const std::string& path, const Predictions& p) {
  if (p.classes.size() != static_cast<size_t>(p.columns)) {
    ThrowMismatch(path + ": a CSV needs a name for each of the " + std::to_string(p.columns) +
                  " columns; " + std::to_string(p.classes.size()) + " given");
  }
  if (!p.ids.empty() && static_cast<int64_t>(p.ids.size()) != p.Rows()) {
    ThrowMismatch(path + ": " + std::to_string(p.ids.size()) + " ids for " +
                  std::to_string(p.Rows()) + " rows");
  }
  std::ostringstream out;
  out << "id";
  for (const std::string& c : p.classes) out << ',' << CsvField(c);
  out << '\n';
  char number[32];
  for (int64_t r = 0; r < p.Rows(); ++r) {
    out << (p.ids.empty() ? std::to_string(r) : CsvField(p.ids[static_cast<size_t>(r)]));
    for (int c = 0; c < p.columns; ++c) {
      // Shortest text that reads back as the same float.
      const float v = p.scores[static_cast<size_t>(r * p.columns + c)];
      const auto [end, ec] = std::to_chars(number, number + sizeof number, v);
      out << ',' << std::string(number, end);
    }
    out << '\n';
  }
  WriteFileAtomic(path, out.str());
}

}  // namespace

Predictions ReadPredictions(const std::string& path, const std::vector<std::string>& classes) {
  return FormatOf(path) == Format::kNpy ? ReadNpyPredictions(path, classes)
                                        : ReadCsvPredictions(path, classes);
}

void WritePredictions(const std::string& path, const Predictions& predictions) {
  if (predictions.columns < 1 ||
      predictions.scores.size() % static_cast<size_t>(predictions.columns) != 0) {
    ThrowMismatch(path + ": " + std::to_string(predictions.scores.size()) +
                  " scores do not make rows of " + std::to_string(predictions.columns));
  }
  if (FormatOf(path) == Format::kNpy) {
    WriteNpy(path, {predictions.Rows(), predictions.columns}, predictions.scores.data());
  } else {
    WriteCsvPredictions(path, predictions);
  }
}

}  // namespace earshot::eval
