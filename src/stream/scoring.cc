#include "earshot/stream/scoring.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <sstream>

#include "earshot/data/csv.h"
#include "earshot/util/error.h"
#include "earshot/util/files.h"

namespace earshot {
namespace {

std::string Trim(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t\r");
  if (a == std::string::npos) return "";
  const size_t b = s.find_last_not_of(" \t\r");
  return s.substr(a, b - a + 1);
}

// A time in ms: a finite number >= 0, the whole (trimmed) text.
bool ParseTime(const std::string& text, double* out) {
  const std::string t = Trim(text);
  if (t.empty()) return false;
  char* end = nullptr;
  const double v = std::strtod(t.c_str(), &end);
  if (end != t.c_str() + t.size() || !std::isfinite(v) || v < 0) return false;
  *out = v;
  return true;
}

std::string Joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace

std::vector<TruthWord> ParseTruth(const std::string& text, const std::string& path) {
  std::vector<TruthWord> out;
  std::istringstream in(text);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (number == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line = line.substr(3);
    if (Trim(line).empty()) continue;
    const std::string where = path + " line " + std::to_string(number);
    const size_t comma = line.find(',');
    if (comma == std::string::npos || line.find(',', comma + 1) != std::string::npos) {
      ThrowBadData(where + ": '" + Trim(line) + "' should be label,time_ms (two fields)");
    }
    TruthWord w;
    w.label = Trim(line.substr(0, comma));
    w.line = number;
    if (w.label.empty()) ThrowBadData(where + ": empty label in '" + Trim(line) + "'");
    const std::string time = line.substr(comma + 1);
    if (!ParseTime(time, &w.time_ms)) {
      ThrowBadData(where + ": time '" + Trim(time) + "' should be a number of ms >= 0");
    }
    out.push_back(std::move(w));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const TruthWord& a, const TruthWord& b) { return a.time_ms < b.time_ms; });
  return out;
}

std::vector<TruthWord> ReadTruthFile(const std::string& path) { return ParseTruth(ReadFile(path), path); }

void CheckTruthLabels(const std::vector<TruthWord>& truth, const std::vector<std::string>& known,
                      const std::string& path) {
  for (const TruthWord& w : truth) {
    if (std::find(known.begin(), known.end(), w.label) == known.end()) {
      ThrowMismatch(path + " line " + std::to_string(w.line) + ": label '" + w.label +
                    "' is not one of the model's (" + Joined(known) + ")");
    }
  }
}

std::vector<SpokenSpan> ReadSpansFile(const std::string& path) { return ParseSpans(ReadFile(path), path); }

std::vector<SpokenSpan> ParseSpans(const std::string& text, const std::string& path) {
  const CsvTable t = ParseCsv(text, path);
  const int label = t.RequireColumn("label");
  const int start = t.RequireColumn("start_ms");
  const int end = t.RequireColumn("end_ms");
  std::vector<SpokenSpan> out;
  for (size_t r = 0; r < t.rows.size(); ++r) {
    const auto& row = t.rows[r];
    SpokenSpan s;
    s.label = Trim(row[static_cast<size_t>(label)]);
    if (s.label.empty()) ThrowBadData(t.Where(r) + ": empty label");
    for (auto [column, value] : {std::pair{start, &s.start_ms}, std::pair{end, &s.end_ms}}) {
      if (!ParseTime(row[static_cast<size_t>(column)], value)) {
        ThrowBadData(t.Where(r) + ": " + t.header[static_cast<size_t>(column)] + " '" +
                     row[static_cast<size_t>(column)] + "' should be a number of ms >= 0");
      }
    }
    if (s.end_ms < s.start_ms) {
      ThrowBadData(t.Where(r) + ": end_ms " + row[static_cast<size_t>(end)] + " comes before start_ms " +
                   row[static_cast<size_t>(start)]);
    }
    out.push_back(std::move(s));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const SpokenSpan& a, const SpokenSpan& b) { return a.start_ms < b.start_ms; });
  return out;
}

StreamScore ScoreEvents(const std::vector<TruthWord>& truth, const std::vector<FoundWord>& events,
                        double tolerance_ms) {
  if (!(tolerance_ms >= 0) || !std::isfinite(tolerance_ms)) {
    ThrowOption("--tolerance_ms should be >= 0. Given: " + std::to_string(tolerance_ms));
  }
  for (size_t i = 1; i < truth.size(); ++i) {
    if (truth[i].time_ms < truth[i - 1].time_ms) ThrowBadData("stream scoring: truth words out of time order");
  }
  StreamScore s;
  s.counts.ground_truth = static_cast<int64_t>(truth.size());
  s.correct_event.assign(truth.size(), -1);
  std::vector<bool> matched(truth.size(), false);
  for (size_t e = 0; e < events.size(); ++e) {
    const FoundWord& found = events[e];
    // The first truth word at or after the tolerance's start.
    const auto first = std::lower_bound(truth.begin(), truth.end(), found.time_ms - tolerance_ms,
                                        [](const TruthWord& w, double t) { return w.time_ms < t; });
    if (first == truth.end() || first->time_ms > found.time_ms + tolerance_ms) {
      s.outcomes.push_back(Outcome::kFalsePositive);
      s.matched_truth.push_back(-1);
      ++s.counts.false_positives;
      continue;
    }
    const size_t w = static_cast<size_t>(first - truth.begin());
    if (first->label == found.label && !matched[w]) {
      s.outcomes.push_back(Outcome::kCorrect);
      s.correct_event[w] = static_cast<int>(e);
      ++s.counts.correct;
    } else {
      s.outcomes.push_back(Outcome::kWrong);
      ++s.counts.wrong;
    }
    s.matched_truth.push_back(static_cast<int>(w));
    matched[w] = true;
  }
  s.counts.matched = std::count(matched.begin(), matched.end(), true);
  return s;
}

StreamRates RatesOf(const StreamScore& score, const std::vector<TruthWord>& truth,
                    const std::vector<FoundWord>& events, const std::vector<std::string>& keywords,
                    double hours) {
  if (!(hours > 0) || !std::isfinite(hours)) {
    ThrowBadData("stream scoring: the audio's length should be > 0 hours. Given: " + std::to_string(hours));
  }
  if (score.outcomes.size() != events.size() || score.correct_event.size() != truth.size()) {
    ThrowMismatch("stream scoring: the score is of other events or truth words");
  }
  StreamRates r;
  r.hours = hours;
  std::map<std::string, size_t> index;
  for (const auto& k : keywords) {
    index.emplace(k, r.keywords.size());
    r.keywords.push_back(KeywordRates{k});
  }
  for (size_t w = 0; w < truth.size(); ++w) {
    const auto it = index.find(truth[w].label);
    if (it == index.end()) continue;
    KeywordRates& k = r.keywords[it->second];
    ++k.words;
    if (score.correct_event[w] >= 0) ++k.found;
  }
  for (size_t e = 0; e < events.size(); ++e) {
    const auto it = index.find(events[e].label);
    if (it != index.end() && score.outcomes[e] != Outcome::kCorrect) ++r.keywords[it->second].false_alarms;
  }
  auto finish = [hours](KeywordRates& k) {
    k.false_reject_rate = k.words > 0 ? 1.0 - static_cast<double>(k.found) / static_cast<double>(k.words) : 0.0;
    k.false_alarms_per_hour = static_cast<double>(k.false_alarms) / hours;
  };
  for (KeywordRates& k : r.keywords) {
    finish(k);
    r.overall.words += k.words;
    r.overall.found += k.found;
    r.overall.false_alarms += k.false_alarms;
  }
  finish(r.overall);
  return r;
}

double Quantile(std::vector<double> values, double q) {
  if (values.empty()) return 0.0;
  std::sort(values.begin(), values.end());
  const double at = std::clamp(q, 0.0, 1.0) * static_cast<double>(values.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(at));
  const size_t hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (at - static_cast<double>(lo)) * (values[hi] - values[lo]);
}

Latency LatencyOf(const StreamScore& score, const std::vector<TruthWord>& truth,
                  const std::vector<FoundWord>& events, const std::vector<SpokenSpan>& spans,
                  double window_ms) {
  Latency l;
  for (size_t w = 0; w < truth.size(); ++w) {
    const int e = score.correct_event[w];
    if (e < 0) continue;
    const SpokenSpan* best = nullptr;
    for (const SpokenSpan& s : spans) {
      if (s.label != truth[w].label || std::abs(s.start_ms - truth[w].time_ms) > window_ms) continue;
      if (!best || std::abs(s.start_ms - truth[w].time_ms) < std::abs(best->start_ms - truth[w].time_ms)) best = &s;
    }
    if (!best) {
      ++l.without_span;
      continue;
    }
    l.values_ms.push_back(events[static_cast<size_t>(e)].end_ms - best->end_ms);
  }
  l.measured = static_cast<int64_t>(l.values_ms.size());
  l.median_ms = Quantile(l.values_ms, 0.5);
  l.p95_ms = Quantile(l.values_ms, 0.95);
  return l;
}

}  // namespace earshot
