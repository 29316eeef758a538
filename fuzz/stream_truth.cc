// The files `earshot eval-stream` reads besides the audio
// (stream/scoring.h): a truth file (label,time_ms lines, TensorFlow's
// format) and a spans file (CSV with a header), then the scoring of the
// truth's own words as events. The input: the truth text, then optionally
// a line "--" and the spans text.
//
// The target aborts unless the scoring adds up: each word heard at its
// own time is matched (no false positive), correct plus wrong is every
// event, the words found are the correct events, and each is measured for
// latency or counted without a span.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "earshot/stream/scoring.h"
#include "earshot/util/error.h"

namespace {

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "stream_truth: %s\n", what);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const size_t cut = input.find("\n--\n");
  const std::string truth_text = input.substr(0, cut);
  std::vector<earshot::SpokenSpan> spans;
  try {
    if (cut != std::string::npos) spans = earshot::ParseSpans(input.substr(cut + 4), "fuzz.spans.csv");
  } catch (const earshot::Error&) {
  }
  std::vector<earshot::TruthWord> truth;
  try {
    truth = earshot::ParseTruth(truth_text, "fuzz.truth.csv");
  } catch (const earshot::Error&) {
    return 0;
  }
  std::vector<earshot::FoundWord> events;
  std::set<std::string> labels;
  for (const auto& w : truth) {
    events.push_back({w.label, w.time_ms, w.time_ms + 1000});
    labels.insert(w.label);
  }
  const earshot::StreamScore s = earshot::ScoreEvents(truth, events, 0);
  const auto n = static_cast<int64_t>(events.size());
  Check(s.counts.false_positives == 0, "a word heard at its own time is a false positive");
  Check(s.counts.correct + s.counts.wrong == n, "correct + wrong is not every event");
  Check(s.counts.matched <= s.counts.ground_truth, "more words matched than there are");
  if (n == 0) return 0;
  const earshot::StreamRates r =
      earshot::RatesOf(s, truth, events, std::vector<std::string>(labels.begin(), labels.end()), 1.0);
  Check(r.overall.words == n && r.overall.found == s.counts.correct, "the rates differ from the counts");
  Check(r.overall.false_alarms == s.counts.wrong, "the false alarms differ from the wrong events");
  const earshot::Latency l = earshot::LatencyOf(s, truth, events, spans, 1000);
  Check(l.measured + l.without_span == s.counts.correct, "a word found is neither measured nor counted");
  return 0;
}
