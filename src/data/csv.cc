#include "earshot/data/csv.h"

#include <fstream>
#include <sstream>

#include "earshot/util/error.h"

namespace earshot {

int CsvTable::Column(const std::string& name) const {
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return static_cast<int>(i);
  }
  return -1;
}

int CsvTable::RequireColumn(const std::string& name) const {
  int c = Column(name);
  if (c >= 0) return c;
  std::string found;
  for (const auto& h : header) found += (found.empty() ? "" : ", ") + h;
  ThrowBadData(path + ": no column '" + name + "' (columns: " + found + ")");
}

std::string CsvTable::Where(size_t row) const {
  return path + " row " + std::to_string(row + 1) + " (line " + std::to_string(lines[row]) + ")";
}

CsvTable ParseCsv(const std::string& text, const std::string& path) {
  CsvTable t;
  t.path = path;
  size_t i = 0;
  if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) i = 3;  // UTF-8 byte-order mark
  int line = 1;
  std::vector<std::string> record;
  std::string field;
  bool quoted_record_field = false;  // the current field was quoted
  int record_line = 1;

  auto end_record = [&]() {
    record.push_back(std::move(field));
    field.clear();
    // A line holding nothing at all is blank, not a record of one empty field.
    bool blank = record.size() == 1 && record[0].empty() && !quoted_record_field;
    if (!blank) {
      if (t.header.empty()) {
        t.header = std::move(record);
      } else {
        if (record.size() != t.header.size()) {
          ThrowBadData(path + " row " + std::to_string(t.rows.size() + 1) + " (line " +
                       std::to_string(record_line) + "): " +
                       std::to_string(record.size()) + " fields, the header has " +
                       std::to_string(t.header.size()));
        }
        t.rows.push_back(std::move(record));
        t.lines.push_back(record_line);
      }
    }
    record.clear();
    quoted_record_field = false;
  };

  const size_t n = text.size();
  bool at_field_start = true;
  while (i < n) {
    char c = text[i];
    if (at_field_start && c == '"') {
      // Quoted field: up to the closing quote; "" is a quote.
      quoted_record_field = true;
      int open_line = line;
      ++i;
      while (true) {
        if (i >= n) {
          ThrowBadData(path + " line " + std::to_string(open_line) +
                       ": a quoted field is never closed");
        }
        if (text[i] == '"') {
          if (i + 1 < n && text[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        if (text[i] == '\n') ++line;
        field += text[i++];
      }
      at_field_start = false;
      continue;
    }
    if (c == ',') {
      record.push_back(std::move(field));
      field.clear();
      at_field_start = true;
      ++i;
    } else if (c == '\r' || c == '\n') {
      end_record();
      if (c == '\r' && i + 1 < n && text[i + 1] == '\n') ++i;
      ++i;
      ++line;
      record_line = line;
      at_field_start = true;
    } else {
      field += c;
      at_field_start = false;
      ++i;
    }
  }
  if (!field.empty() || !record.empty() || quoted_record_field) end_record();
  if (t.header.empty()) ThrowBadData(path + ": empty CSV (no header row)");
  return t;
}

CsvTable ReadCsv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) ThrowIo(path + ": cannot open");
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) ThrowIo(path + ": read error");
  return ParseCsv(ss.str(), path);
}

std::string CsvField(const std::string& value) {
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace earshot
