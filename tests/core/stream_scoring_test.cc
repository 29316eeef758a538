// Scoring keyword events against a stream's truth (TensorFlow's matched /
// correct / wrong / false-positive rules, per-keyword rates, latency) on
// hand-written truth and events, and the threshold sweep and operating
// point on hand-written posteriors.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include "../temp_dir.h"
#include "earshot/stream/det_sweep.h"
#include "earshot/stream/scoring.h"
#include "earshot/util/error.h"

namespace earshot {
namespace {

void ExpectErrorWith(const std::function<void()>& f, const std::vector<std::string>& words) {
  try {
    f();
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    for (const auto& w : words) EXPECT_NE(std::string(e.what()).find(w), std::string::npos) << e.what();
  }
}

TEST(TruthFile, ReadsTensorFlowsFormatInTimeOrder) {
  // As generate_streaming_test_wav writes it ("label, time"), unsorted,
  // with a blank line and CRLF endings.
  const auto t = ParseTruth("yes, 4000.500000\r\n\n_unknown_,1200\nno ,  300\n", "t.csv");
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].label, "no");
  EXPECT_DOUBLE_EQ(t[0].time_ms, 300);
  EXPECT_EQ(t[0].line, 4);
  EXPECT_EQ(t[1].label, "_unknown_");
  EXPECT_EQ(t[2].label, "yes");
  EXPECT_DOUBLE_EQ(t[2].time_ms, 4000.5);
  EXPECT_EQ(t[2].line, 1);
  EXPECT_TRUE(ParseTruth("", "empty.csv").empty());
}

TEST(TruthFile, BadRowsNameTheFileAndLine) {
  ExpectErrorWith([] { ParseTruth("yes,100\nno,200,300\n", "t.csv"); }, {"t.csv line 2", "no,200,300", "two fields"});
  ExpectErrorWith([] { ParseTruth("yes 100\n", "t.csv"); }, {"t.csv line 1", "yes 100"});
  ExpectErrorWith([] { ParseTruth("label,time_ms\n", "t.csv"); }, {"t.csv line 1", "'time_ms'", "number"});
  ExpectErrorWith([] { ParseTruth("yes,100\n\nno,-5\n", "t.csv"); }, {"t.csv line 3", "'-5'", ">= 0"});
  ExpectErrorWith([] { ParseTruth("yes,nan\n", "t.csv"); }, {"t.csv line 1", "'nan'"});
  ExpectErrorWith([] { ParseTruth("yes,12ms\n", "t.csv"); }, {"t.csv line 1", "'12ms'"});
  ExpectErrorWith([] { ParseTruth(" ,100\n", "t.csv"); }, {"t.csv line 1", "empty label"});
  ExpectErrorWith([] { ReadTruthFile("/nonexistent/t.csv"); }, {"/nonexistent/t.csv"});
  const auto t = ParseTruth("yes,100\nmaybe,200\n", "t.csv");
  ExpectErrorWith([&] { CheckTruthLabels(t, {"_silence_", "_unknown_", "yes", "no"}, "t.csv"); },
                  {"t.csv line 2", "'maybe'", "_silence_, _unknown_, yes, no"});
  CheckTruthLabels(t, {"yes", "maybe"}, "t.csv");
}

TEST(SpansFile, ReadsColumnsByNameAndRefusesBadTimes) {
  earshot::testing::TempDir dir;
  const std::string path = dir.File("s.csv");
  std::ofstream(path) << "end_ms,label,start_ms\n900,yes,400\n250,house,100\n";
  const auto s = ReadSpansFile(path);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].label, "house");
  EXPECT_DOUBLE_EQ(s[0].start_ms, 100);
  EXPECT_DOUBLE_EQ(s[1].end_ms, 900);
  std::ofstream(path) << "label,start_ms,end_ms\nyes,400,300\n";
  ExpectErrorWith([&] { ReadSpansFile(path); }, {path, "row 1", "comes before"});
  std::ofstream(path) << "label,start_ms,end_ms\nyes,4x,300\n";
  ExpectErrorWith([&] { ReadSpansFile(path); }, {path, "start_ms '4x'"});
  std::ofstream(path) << "label,start\nyes,400\n";
  ExpectErrorWith([&] { ReadSpansFile(path); }, {path, "start_ms"});
}

std::vector<TruthWord> Truth() {
  return ParseTruth("yes,1000\nno,3000\nyes,5000\nno,9000\nyes,12000\n_unknown_,15000\n", "truth.csv");
}

std::vector<FoundWord> Events() {
  std::vector<FoundWord> e;
  for (const auto& [label, t] : std::vector<std::pair<std::string, double>>{
           {"yes", 1200},   // correct
           {"yes", 1400},   // the same word again: wrong
           {"yes", 3300},   // on a word of another label: wrong
           {"no", 3400},    // that word was matched by the previous event: wrong (TensorFlow's rule)
           {"yes", 5500},   // exactly the tolerance after its word: correct
           {"no", 7000},    // nothing within the tolerance: false positive
           {"yes", 8499},   // 1 ms short of the next word's tolerance: false positive
           {"no", 8500},    // exactly the tolerance before its word: correct
           {"yes", 15100},  // on a non-keyword: wrong
       }) {
    e.push_back({label, t, t + 1000});
  }
  return e;
}

TEST(StreamScoring, TensorFlowsCountsForEachOutcome) {
  const auto truth = Truth();
  const auto events = Events();
  const StreamScore s = ScoreEvents(truth, events, 500);
  using O = Outcome;
  EXPECT_EQ(s.outcomes, (std::vector<O>{O::kCorrect, O::kWrong, O::kWrong, O::kWrong, O::kCorrect,
                                        O::kFalsePositive, O::kFalsePositive, O::kCorrect, O::kWrong}));
  EXPECT_EQ(s.matched_truth, (std::vector<int>{0, 0, 1, 1, 2, -1, -1, 3, 5}));
  EXPECT_EQ(s.correct_event, (std::vector<int>{0, -1, 4, 7, -1, -1}));  // yes@12000 missed
  EXPECT_EQ(s.counts.ground_truth, 6);
  EXPECT_EQ(s.counts.matched, 5);
  EXPECT_EQ(s.counts.correct, 3);
  EXPECT_EQ(s.counts.wrong, 4);
  EXPECT_EQ(s.counts.false_positives, 2);
  // A tolerance 1 ms narrower loses both edge matches.
  const StreamScore narrow = ScoreEvents(truth, events, 499);
  EXPECT_EQ(narrow.outcomes[4], O::kFalsePositive);
  EXPECT_EQ(narrow.outcomes[7], O::kFalsePositive);
  EXPECT_EQ(narrow.counts.correct, 1);
  // No events: every word missed; no truth: every event a false positive.
  EXPECT_EQ(ScoreEvents(truth, {}, 500).counts.matched, 0);
  EXPECT_EQ(ScoreEvents({}, events, 500).counts.false_positives, 9);
  EXPECT_THROW(ScoreEvents(truth, events, -1), Error);
}

TEST(StreamScoring, FalseRejectsAndFalseAlarmsPerHourPerKeyword) {
  const auto truth = Truth();
  const auto events = Events();
  const StreamRates r = RatesOf(ScoreEvents(truth, events, 500), truth, events, {"yes", "no"}, 0.01);
  ASSERT_EQ(r.keywords.size(), 2u);
  const KeywordRates& yes = r.keywords[0];
  EXPECT_EQ(yes.label, "yes");
  EXPECT_EQ(yes.words, 3);
  EXPECT_EQ(yes.found, 2);
  EXPECT_DOUBLE_EQ(yes.false_reject_rate, 1.0 / 3.0);
  EXPECT_EQ(yes.false_alarms, 4);  // 1400, 3300, 8499 and the one on _unknown_
  EXPECT_DOUBLE_EQ(yes.false_alarms_per_hour, 400);
  const KeywordRates& no = r.keywords[1];
  EXPECT_EQ(no.words, 2);
  EXPECT_EQ(no.found, 1);
  EXPECT_DOUBLE_EQ(no.false_reject_rate, 0.5);
  EXPECT_EQ(no.false_alarms, 2);
  EXPECT_DOUBLE_EQ(no.false_alarms_per_hour, 200);
  EXPECT_EQ(r.overall.words, 5);
  EXPECT_EQ(r.overall.found, 3);
  EXPECT_DOUBLE_EQ(r.overall.false_reject_rate, 0.4);
  EXPECT_DOUBLE_EQ(r.overall.false_alarms_per_hour, 600);
  // Only the keywords asked for count.
  const StreamRates only = RatesOf(ScoreEvents(truth, events, 500), truth, events, {"no"}, 0.01);
  EXPECT_EQ(only.overall.false_alarms, 2);
  EXPECT_THROW(RatesOf(ScoreEvents(truth, events, 500), truth, events, {"no"}, 0), Error);
}

TEST(StreamScoring, LatencyFromTheSpokenEndToTheEvent) {
  const auto truth = Truth();
  const auto events = Events();
  const StreamScore s = ScoreEvents(truth, events, 500);
  // Spans near each word (not at its time: a word starts inside its clip).
  const std::vector<SpokenSpan> spans{{"yes", 1100, 1600}, {"no", 3050, 3500}, {"yes", 5050, 5500},
                                      {"no", 9100, 9600},  {"no", 9900, 10300}, {"yes", 12100, 12600}};
  const Latency l = LatencyOf(s, truth, events, spans, 1000);
  EXPECT_EQ(l.values_ms, (std::vector<double>{600, 1000, -100}));  // events end at time + 1000
  EXPECT_EQ(l.measured, 3);
  EXPECT_EQ(l.without_span, 0);
  EXPECT_DOUBLE_EQ(l.median_ms, 600);
  EXPECT_DOUBLE_EQ(l.p95_ms, 960);  // 600 + 0.9 * (1000 - 600)
  // A word without a span of its label near it is counted, not measured.
  const Latency partial = LatencyOf(s, truth, events, {{"yes", 1100, 1600}, {"no", 12000, 12500}}, 1000);
  EXPECT_EQ(partial.measured, 1);
  EXPECT_EQ(partial.without_span, 2);
  EXPECT_DOUBLE_EQ(partial.median_ms, 600);
  EXPECT_DOUBLE_EQ(Quantile({}, 0.5), 0);
  EXPECT_DOUBLE_EQ(Quantile({3, 1, 2}, 0.5), 2);
  EXPECT_DOUBLE_EQ(Quantile({1, 2, 3, 4}, 0.5), 2.5);
}

// ------------------------------------------------------ sweep, operating point

// Silence everywhere but a few windows (ends every 100 ms from 1 s to 20 s).
PosteriorTrack Track() {
  PosteriorTrack t;
  t.labels = {"_silence_", "_unknown_", "yes", "no"};
  t.window_ms = 1000;
  const std::map<int, std::pair<int, float>> peaks{
      {3000, {2, 0.9f}},   // yes said at 2000: found up to 0.9
      {7000, {2, 0.6f}},   // yes said at 6000: found up to 0.6
      {11000, {3, 0.8f}},  // no said at 10000
      {15000, {2, 0.7f}},  // yes where nothing was said
      {18000, {3, 1.0f}},  // no where nothing was said, at every threshold
  };
  for (int end = 1000; end <= 20000; end += 100) {
    std::vector<float> p{1, 0, 0, 0};
    if (const auto it = peaks.find(end); it != peaks.end()) {
      p = {1 - it->second.second, 0, 0, 0};
      p[static_cast<size_t>(it->second.first)] = it->second.second;
    }
    t.Add(end, p);
  }
  return t;
}

SmoothingOptions EachWindowAlone() {
  SmoothingOptions o;
  o.average_window_ms = 0;
  o.minimum_count = 1;
  o.suppression_ms = 500;
  return o;
}

TEST(DetSweep, SmoothTrackGivesEventsAtTheirWindowStart) {
  SmoothingOptions o = EachWindowAlone();
  o.detection_threshold = 0.75;
  const auto e = SmoothTrack(Track(), o, {{"no", 0.85}});
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].label, "yes");
  EXPECT_DOUBLE_EQ(e[0].time_ms, 2000);
  EXPECT_DOUBLE_EQ(e[0].end_ms, 3000);
  EXPECT_EQ(e[1].label, "no");  // 0.8 < 0.85: only the one at 18 s
  EXPECT_DOUBLE_EQ(e[1].time_ms, 17000);
}

TEST(DetSweep, RatesAtEachThresholdAndTheOperatingPoint) {
  const auto truth = ParseTruth("yes,2000\nyes,6000\nno,10000\n", "t.csv");
  const double hours = 20.0 / 3600;  // one false alarm is 180 an hour
  const std::vector<double> grid{0.5, 0.65, 0.75, 0.85, 0.95};
  const DetSweep d = SweepThreshold(Track(), truth, {"yes", "no"}, EachWindowAlone(), 750, hours, grid, 2);
  ASSERT_EQ(d.rates.size(), grid.size());
  const std::vector<double> yes_frr{0, 0.5, 0.5, 0.5, 1}, yes_fa{180, 180, 0, 0, 0};
  const std::vector<double> no_frr{0, 0, 0, 1, 1};
  for (size_t i = 0; i < grid.size(); ++i) {
    EXPECT_DOUBLE_EQ(d.rates[i].keywords[0].false_reject_rate, yes_frr[i]) << grid[i];
    EXPECT_NEAR(d.rates[i].keywords[0].false_alarms_per_hour, yes_fa[i], 1e-9) << grid[i];
    EXPECT_DOUBLE_EQ(d.rates[i].keywords[1].false_reject_rate, no_frr[i]) << grid[i];
    EXPECT_NEAR(d.rates[i].keywords[1].false_alarms_per_hour, 180, 1e-9) << grid[i];
  }
  // The same on one thread.
  const DetSweep one = SweepThreshold(Track(), truth, {"yes", "no"}, EachWindowAlone(), 750, hours, grid, 1);
  for (size_t i = 0; i < grid.size(); ++i) EXPECT_EQ(one.rates[i].overall.found, d.rates[i].overall.found);

  // No false alarm allowed: yes at the higher of its two equal points; no
  // cannot meet it and takes its fewest false alarms, lowest false rejects.
  const auto strict = ChooseThresholds(d, 0);
  ASSERT_EQ(strict.size(), 2u);
  EXPECT_EQ(strict[0].label, "yes");
  EXPECT_DOUBLE_EQ(strict[0].threshold, 0.85);
  EXPECT_DOUBLE_EQ(strict[0].false_reject_rate, 0.5);
  EXPECT_TRUE(strict[0].met);
  EXPECT_EQ(strict[1].label, "no");
  EXPECT_DOUBLE_EQ(strict[1].threshold, 0.75);
  EXPECT_DOUBLE_EQ(strict[1].false_reject_rate, 0);
  EXPECT_FALSE(strict[1].met);
  // 200 an hour allowed: every yes found.
  const auto loose = ChooseThresholds(d, 200);
  EXPECT_DOUBLE_EQ(loose[0].threshold, 0.5);
  EXPECT_DOUBLE_EQ(loose[0].false_reject_rate, 0);
  EXPECT_TRUE(loose[1].met);
  EXPECT_THROW(ChooseThresholds(d, -1), Error);

  // A negative stream for yes (no yes said; its events are false alarms):
  // the lowest threshold within the target, not the one with fewest alarms.
  const auto no_yes = ParseTruth("no,10000\n", "t.csv");
  const DetSweep neg = SweepThreshold(Track(), no_yes, {"yes", "no"}, EachWindowAlone(), 750, hours, grid, 1);
  for (size_t i = 0; i < grid.size(); ++i) EXPECT_EQ(neg.rates[i].keywords[0].words, 0);
  const auto at_one_alarm = ChooseThresholds(neg, 180);
  EXPECT_TRUE(at_one_alarm[0].met);
  EXPECT_DOUBLE_EQ(at_one_alarm[0].threshold, 0.75);  // 0.5 and 0.65 give two alarms, 360 an hour
  EXPECT_NEAR(at_one_alarm[0].false_alarms_per_hour, 180, 1e-9);
}

TEST(DetSweep, GridAndBadInput) {
  const auto g = SweepGrid(0.25);
  EXPECT_EQ(g, (std::vector<double>{0.25, 0.5, 0.75, 0.995, 0.998, 0.999, 0.9995, 0.9999}));
  const auto fine = SweepGrid(0.01);
  EXPECT_EQ(fine.size(), 99u + 5u);
  EXPECT_DOUBLE_EQ(fine[98], 0.99);
  ExpectErrorWith([] { SweepGrid(0); }, {"--sweep_step", "(0, 0.5]"});
  PosteriorTrack t = Track();
  ExpectErrorWith([&] { t.Add(20100, {1, 0}); }, {"2 posteriors for 4 labels"});
}

}  // namespace
}  // namespace earshot
