#include "earshot/training/epoch_log.h"

#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "earshot/plots/charts.h"
#include "earshot/util/files.h"

namespace earshot {

void EpochLog::Add(int epoch, const std::map<std::string, double>& metrics) {
  rows_.emplace_back(epoch, metrics);
}

std::vector<std::string> EpochLog::Columns() const {
  std::set<std::string> names;
  for (const auto& [epoch, m] : rows_) {
    for (const auto& [k, v] : m) names.insert(k);
  }
  return {names.begin(), names.end()};
}

void EpochLog::Write(const std::string& dir) const {
  const auto columns = Columns();
  std::ostringstream csv, jsonl;
  csv << "epoch";
  for (const auto& c : columns) csv << "," << c;
  csv << "\n";
  csv.precision(8);
  for (const auto& [epoch, m] : rows_) {
    csv << epoch + 1;
    for (const auto& c : columns) {
      csv << ",";
      auto it = m.find(c);
      if (it != m.end()) csv << it->second;
    }
    csv << "\n";
    nlohmann::json j = m;
    j["epoch"] = epoch + 1;
    jsonl << j.dump() << "\n";
  }
  WriteFileAtomic(dir + "/log.csv", csv.str());
  WriteFileAtomic(dir + "/log.jsonl", jsonl.str());
}

void EpochLog::DrawCurves(const std::string& dir, const std::string& title) const {
  if (rows_.empty()) return;
  std::vector<double> x;
  for (const auto& [epoch, m] : rows_) x.push_back(epoch + 1);
  auto series = [&](const std::string& name, const std::string& label) {
    plots::Series s{label, {}};
    for (const auto& [epoch, m] : rows_) {
      auto it = m.find(name);
      if (it == m.end()) return plots::Series{};
      s.values.push_back(it->second);
    }
    return s;
  };
  auto draw = [&](const std::string& file, const std::string& what, const std::string& train,
                  const std::string& val) {
    std::vector<plots::Series> lines;
    for (auto s : {series(train, "train"), series(val, "validation")}) {
      if (!s.values.empty()) lines.push_back(s);
    }
    if (!lines.empty()) {
      plots::LineChart(dir + "/" + file, title + ": " + what, "epoch", what, x, lines);
    }
  };
  draw("curves_loss.png", "loss", "loss", "val_loss");
  draw("curves_accuracy.png", "accuracy", "accuracy", "val_accuracy");
}

std::string EpochLog::ToJson() const {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& [epoch, m] : rows_) j.push_back({{"epoch", epoch}, {"metrics", m}});
  return j.dump();
}

void EpochLog::LoadJson(const std::string& json) {
  rows_.clear();
  for (const auto& row : nlohmann::json::parse(json)) {
    rows_.emplace_back(row.at("epoch").get<int>(),
                       row.at("metrics").get<std::map<std::string, double>>());
  }
}

}  // namespace earshot
