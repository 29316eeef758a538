// The per-epoch record of a training run: one row of metrics per epoch,
// written as CSV and JSON lines after every epoch, and drawn as curves.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace earshot {

class EpochLog {
 public:
  void Add(int epoch, const std::map<std::string, double>& metrics);
  int NumEpochs() const { return static_cast<int>(rows_.size()); }
  const std::map<std::string, double>& Row(int i) const { return rows_[static_cast<size_t>(i)].second; }

  // log.csv and log.jsonl in `dir`, rewritten whole (atomically) each time.
  void Write(const std::string& dir) const;
  // curves_loss.png and, when accuracy was measured, curves_accuracy.png.
  void DrawCurves(const std::string& dir, const std::string& title) const;

  // For resuming: the rows as one JSON array.
  std::string ToJson() const;
  void LoadJson(const std::string& json);

 private:
  std::vector<std::string> Columns() const;
  std::vector<std::pair<int, std::map<std::string, double>>> rows_;
};

}  // namespace earshot
