// Scoring keyword events against the words known to be in a stream, by the
// rules of TensorFlow's speech_commands streaming test
// (test_streaming_accuracy, CalculateAccuracyStats), plus the rates a wake
// word is judged by: per keyword the false-reject rate and false alarms
// per hour of audio.
//
//   std::vector<TruthWord> truth = ReadTruthFile("long.truth.csv");
//   StreamScore s = ScoreEvents(truth, events, 750);   // events in time order
//   StreamRates r = RatesOf(s, truth, events, keywords, hours);
//
// Times: a truth word's time_ms is where its one-second clip starts in the
// stream (what TensorFlow's generate_streaming_test_wav writes); an event's
// time_ms is the start of the model window that fired it (what
// test_streaming_accuracy records: StreamEvent::start_ms). Pure: no audio,
// no model.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace earshot {

// One row of a truth file: `label,time_ms`.
struct TruthWord {
  std::string label;
  double time_ms = 0;
  int line = 0;  // of the file, from 1 (0: not from a file)
};

// One row of a spans file (`label,start_ms,end_ms`): a word as spoken.
struct SpokenSpan {
  std::string label;
  double start_ms = 0;
  double end_ms = 0;
};

// An event as scored: time_ms its model window's start, end_ms its end.
struct FoundWord {
  std::string label;
  double time_ms = 0;
  double end_ms = 0;
};

// A truth file as TensorFlow's streaming test reads it: one `label,time_ms`
// per line (spaces around either field allowed, as TensorFlow writes
// `yes, 1234.000000`), blank lines skipped, no header. Returned in time
// order (rows of equal times in file order). A line without exactly two
// fields, an empty label, or a time that is not a finite number >= 0 is an
// Error naming the file, the line and the text.
std::vector<TruthWord> ReadTruthFile(const std::string& path);
std::vector<TruthWord> ParseTruth(const std::string& text, const std::string& path);

// Every truth label must be one of `known`: otherwise an Error naming the
// file, the line, the label and the known labels.
void CheckTruthLabels(const std::vector<TruthWord>& truth, const std::vector<std::string>& known,
                      const std::string& path);

// A spans file: a header with the columns label, start_ms, end_ms (any
// order, others ignored), one row per spoken word. A time that is not a
// finite number >= 0, or an end before its start, is an Error naming the
// file and row. Returned in start order.
std::vector<SpokenSpan> ReadSpansFile(const std::string& path);
std::vector<SpokenSpan> ParseSpans(const std::string& text, const std::string& path);

// TensorFlow's StreamingAccuracyStats.
struct StreamingCounts {
  int64_t ground_truth = 0;     // truth words
  int64_t matched = 0;          // truth words some event was matched to
  int64_t correct = 0;          // events matched to a word of their label not matched before
  int64_t wrong = 0;            // events matched to a word of another label, or to one matched before
  int64_t false_positives = 0;  // events with no truth word within the tolerance
};

enum class Outcome { kCorrect, kWrong, kFalsePositive };

struct StreamScore {
  StreamingCounts counts;
  std::vector<Outcome> outcomes;  // per event
  std::vector<int> matched_truth; // per event: the truth word it was matched to, -1 for none
  std::vector<int> correct_event; // per truth word: the event that found it correctly, -1 for none
};

// TensorFlow's matching, for `truth` in time order and `events` in time
// order: each event is matched to the first truth word (in time order)
// whose time lies within [time_ms - tolerance_ms, time_ms + tolerance_ms]
// (both edges included). It is correct when that word has the event's
// label and no event was matched to it before, wrong otherwise; that word
// is then matched. An event with no word in its tolerance is a false
// positive.
StreamScore ScoreEvents(const std::vector<TruthWord>& truth, const std::vector<FoundWord>& events,
                        double tolerance_ms);

// The rates of one keyword, or of all of them together.
struct KeywordRates {
  std::string label;             // "" for all keywords together
  int64_t words = 0;             // truth words of the label
  int64_t found = 0;             // of them, found correctly
  int64_t false_alarms = 0;      // events of the label that are not correct
  double false_reject_rate = 0;  // 1 - found / words (0 without words)
  double false_alarms_per_hour = 0;
};

struct StreamRates {
  double hours = 0;                    // of audio
  std::vector<KeywordRates> keywords;  // in the order given
  KeywordRates overall;                // every keyword's words and events
};

// Per keyword: a false reject is a truth word of the keyword that no event
// found correctly; a false alarm is an event of the keyword that is not
// correct, whether it fell on silence or noise (a false positive), on
// another keyword or a non-keyword word such as `_unknown_` (wrong), or on
// a word already found. Events of labels that are not in `keywords`
// count in no rate. `hours` > 0.
StreamRates RatesOf(const StreamScore& score, const std::vector<TruthWord>& truth,
                    const std::vector<FoundWord>& events, const std::vector<std::string>& keywords,
                    double hours);

// Latency from the end of a spoken keyword to its event: for each truth
// word found correctly, the span of the same label whose start is nearest
// the word's time (within `window_ms`), and the event's end_ms minus the
// span's end_ms. Words without such a span are counted, not measured.
struct Latency {
  int64_t measured = 0;
  int64_t without_span = 0;
  double median_ms = 0;  // 0 when nothing was measured
  double p95_ms = 0;
  std::vector<double> values_ms;  // in truth order
};
Latency LatencyOf(const StreamScore& score, const std::vector<TruthWord>& truth,
                  const std::vector<FoundWord>& events, const std::vector<SpokenSpan>& spans,
                  double window_ms);

// The q-quantile (q in [0, 1]) of `values` with linear interpolation
// between order statistics (numpy's default); 0 for no values.
double Quantile(std::vector<double> values, double q);

}  // namespace earshot
