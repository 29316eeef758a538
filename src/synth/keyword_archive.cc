#include "earshot/synth/keyword_archive.h"

#include <algorithm>
#include <cmath>

#include "earshot/synth/noise.h"
#include "earshot/util/error.h"
#include "earshot/util/npy.h"
#include "earshot/util/npz.h"

namespace earshot {
namespace {

// A row to make: a spoken take (its index in the plan), or silence.
struct Row {
  int64_t take = -1;  // -1 for silence
  std::string label;
  uint64_t seed = 0;  // silence rows only
};

std::vector<float> Silence(uint64_t seed, int sample_rate) {
  SplitMix64 rng(seed);
  const NoiseKind kind = rng.Pick(AllNoiseKinds());
  std::vector<float> x = MakeNoise(kind, static_cast<size_t>(sample_rate), sample_rate, rng);
  const float rms = static_cast<float>(std::pow(10.0, rng.Uniform(-60.0, -25.0) / 20.0));
  for (float& v : x) v = std::clamp(v * rms, -1.f, 1.f);
  return x;
}

}  // namespace

const std::vector<std::string>& TwelveLabels() {
  static const std::vector<std::string> labels = [] {
    std::vector<std::string> l = CommandWords();
    l.push_back("unknown");
    l.push_back("silence");
    return l;
  }();
  return labels;
}

KeywordOptions KeywordArchiveOptions::Defaults() {
  KeywordOptions o;
  o.sample_rate = 8000;
  o.speakers = 60;
  return o;
}

void KeywordArchiveOptions::Visit(OptionVisitor& v) {
  v.Group("keywords", keywords, "the spoken rows");
  v.Field("silence", silence, "silence rows; -1: as many as each command word has");
}

void KeywordArchiveOptions::Validate() const {
  ValidateGroup(keywords, "keywords");
  if (silence < -1 || silence > 1000000) {
    ThrowOption("--silence should be -1 (automatic) or in [0, 1000000]. Given: " +
                std::to_string(silence));
  }
}

KeywordArchiveSummary WriteKeywordArchive(const KeywordArchiveOptions& options,
                                          const std::string& path, const Progress& progress) {
  options.Validate();
  const std::vector<KeywordTake> takes = PlanKeywordTakes(options.keywords);
  const auto& commands = CommandWords();
  std::vector<Row> rows;
  for (size_t t = 0; t < takes.size(); ++t) {
    const bool command =
        std::find(commands.begin(), commands.end(), takes[t].word) != commands.end();
    rows.push_back({static_cast<int64_t>(t), command ? takes[t].word : "unknown", 0});
  }
  const int64_t silence =
      options.silence >= 0 ? options.silence
                           : static_cast<int64_t>(options.keywords.speakers) * options.keywords.repeats;
  const uint64_t seed = static_cast<uint64_t>(options.keywords.seed);
  for (int64_t i = 0; i < silence; ++i) {
    rows.push_back({-1, "silence", MixSeed(seed, HashString("silence/" + std::to_string(i)))});
  }
  SplitMix64 order(MixSeed(seed, HashString("row order")));
  Shuffle(rows, order);
  std::vector<int64_t> row_of_take(takes.size());
  std::vector<int64_t> silence_rows;
  for (size_t r = 0; r < rows.size(); ++r) {
    if (rows[r].take >= 0) row_of_take[static_cast<size_t>(rows[r].take)] = static_cast<int64_t>(r);
    else silence_rows.push_back(static_cast<int64_t>(r));
  }

  // Speakers are rendered together (one espeak-ng process each), silence
  // rows one by one; every row lands at its shuffled place.
  const int rate = options.keywords.sample_rate;
  const int64_t n = static_cast<int64_t>(rows.size());
  std::vector<float> wav(static_cast<size_t>(n) * static_cast<size_t>(rate));
  const auto ranges = SpeakerRanges(takes);
  const int64_t groups = static_cast<int64_t>(ranges.size());
  ParallelFor(groups + static_cast<int64_t>(silence_rows.size()), SpeakingThreads(options.keywords.threads),
              [&](int64_t i) {
    if (i < groups) {
      const auto [begin, end] = ranges[static_cast<size_t>(i)];
      const std::vector<KeywordTake> mine(takes.begin() + static_cast<long>(begin),
                                          takes.begin() + static_cast<long>(end));
      const auto clips = RenderKeywordTakes(mine, rate, options.keywords.noisy_share);
      for (size_t t = 0; t < clips.size(); ++t) {
        std::copy(clips[t].begin(), clips[t].end(), wav.begin() + row_of_take[begin + t] * rate);
      }
      return;
    }
    const int64_t r = silence_rows[static_cast<size_t>(i - groups)];
    const std::vector<float> x = Silence(rows[static_cast<size_t>(r)].seed, rate);
    std::copy(x.begin(), x.end(), wav.begin() + r * rate);
  }, progress);

  KeywordArchiveSummary summary;
  summary.rows = n;
  std::vector<std::string> labels;
  for (const Row& r : rows) {
    labels.push_back(r.label);
    ++summary.rows_per_label[r.label];
  }
  WriteNpz(path, {{"wav_vals", EncodeNpy({n, rate}, wav.data())},
                  {"label_vals", EncodeNpyStrings({n, 1}, labels)}});
  return summary;
}

}  // namespace earshot
