// CSV files as spreadsheets and Kaggle write them: a header row, fields
// quoted with "" escapes (commas and line breaks inside), CRLF or LF, a
// UTF-8 byte-order mark, blank lines.
//
//   CsvTable t = ReadCsv("train.csv");
//   int col = t.Column("fname");           // -1 when absent
//   for (size_t r = 0; r < t.rows.size(); ++r) use(t.rows[r][col], t.Where(r));
#pragma once

#include <string>
#include <vector>

namespace earshot {

struct CsvTable {
  std::string path;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // each as wide as the header
  std::vector<int> lines;                      // line of the file each row starts on

  int Column(const std::string& name) const;
  // Column index; throws Error(kBadData) naming the file and the columns found.
  int RequireColumn(const std::string& name) const;
  // "train.csv row 12 (line 13)", for messages.
  std::string Where(size_t row) const;
};

// Throws Error naming the file and line for an unreadable file, an empty
// one, an unterminated quote, or a row whose field count differs from the
// header's.
CsvTable ReadCsv(const std::string& path);
CsvTable ParseCsv(const std::string& text, const std::string& path);

// A field quoted when it holds a comma, a quote or a line break.
std::string CsvField(const std::string& value);

}  // namespace earshot
