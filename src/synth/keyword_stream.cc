#include "earshot/synth/keyword_stream.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

#include "earshot/audio/decode.h"
#include "earshot/audio/wav_stream_writer.h"
#include "earshot/data/readers.h"
#include "earshot/synth/keywords.h"
#include "earshot/util/error.h"
#include "earshot/util/files.h"
#include "earshot/util/option_checks.h"
#include "earshot/util/random.h"

namespace earshot {
namespace {

using namespace option_checks;

constexpr const char* kUnknown = "_unknown_";

// Clips drawn in a shuffled order, reshuffled when all have been heard, so
// that every clip is used before any is used again.
class Pool {
 public:
  void Add(size_t clip) { clips_.push_back(clip); }
  bool empty() const { return clips_.empty(); }
  size_t size() const { return clips_.size(); }
  size_t Next(SplitMix64& rng) {
    if (next_ == 0) Shuffle(clips_, rng);
    const size_t c = clips_[next_];
    next_ = (next_ + 1) % clips_.size();
    return c;
  }

 private:
  std::vector<size_t> clips_;
  size_t next_ = 0;
};

double Energy(const float* x, size_t n) {
  double e = 0;
  for (size_t i = 0; i < n; ++i) e += double(x[i]) * x[i];
  return e;
}

// The spoken part of a clip, [begin, end) in samples: from the first to the
// last 10 ms frame that rises 30 dB below the loudest frame and 15 dB above
// the clip's noise floor (its quietest tenth of frames); the whole clip
// when no frame stands out.
std::pair<size_t, size_t> SpokenSpan(const std::vector<float>& x, int rate) {
  const size_t frame = std::max<size_t>(1, static_cast<size_t>(rate / 100));
  std::vector<double> energy;
  for (size_t at = 0; at < x.size(); at += frame) {
    energy.push_back(Energy(x.data() + at, std::min(frame, x.size() - at)) /
                     static_cast<double>(frame));
  }
  if (energy.empty()) return {0, 0};
  std::vector<double> sorted = energy;
  std::sort(sorted.begin(), sorted.end());
  const double loudest = sorted.back(), floor = sorted[sorted.size() / 10];
  const double threshold = std::max(loudest * 1e-3, floor * std::pow(10.0, 1.5));
  if (!(loudest > threshold)) return {0, x.size()};
  size_t first = 0, last = energy.size();
  while (energy[first] <= threshold) ++first;
  while (energy[last - 1] <= threshold) --last;
  return {first * frame, std::min(x.size(), last * frame)};
}

// The background: stretches of 2-8 s of one noise file each, from a random
// place in it, at a random level, crossfaded over 250 ms.
class Background {
 public:
  Background(std::vector<std::vector<float>> files, const KeywordStreamOptions& o, SplitMix64 rng)
      : files_(std::move(files)), options_(o), rng_(rng),
        fade_(static_cast<size_t>(o.sample_rate / 4)) {}

  // Appends the next `n` samples to `out`.
  void Fill(std::vector<float>& out, size_t n) {
    if (files_.empty()) {
      out.insert(out.end(), n, 0.f);
      return;
    }
    while (n > 0) {
      if (at_ == stretch_.size() - fade_) NextStretch();
      const size_t take = std::min(n, stretch_.size() - fade_ - at_);
      out.insert(out.end(), stretch_.begin() + static_cast<long>(at_),
                 stretch_.begin() + static_cast<long>(at_ + take));
      at_ += take;
      n -= take;
    }
  }

 private:
  // The next stretch, its first `fade_` samples added to the last ones of
  // the one before.
  void NextStretch() {
    std::vector<float> tail(stretch_.end() - static_cast<long>(std::min(fade_, stretch_.size())),
                            stretch_.end());
    const auto& file = files_[rng_.Below(files_.size())];
    const size_t length = static_cast<size_t>(rng_.Uniform(2.0, 8.0) * options_.sample_rate) + fade_;
    const size_t start = static_cast<size_t>(rng_.Below(file.size()));
    const float gain = static_cast<float>(
        std::pow(10.0, rng_.Uniform(options_.noise_min_db, options_.noise_max_db) / 20.0));
    stretch_.assign(length, 0.f);
    for (size_t i = 0; i < length; ++i) {
      // Fades in and out over `fade_` samples; a file shorter than the
      // stretch wraps around.
      float g = gain;
      if (i < fade_) g *= static_cast<float>(i) / static_cast<float>(fade_);
      if (i >= length - fade_) g *= static_cast<float>(length - i) / static_cast<float>(fade_);
      stretch_[i] = g * file[(start + i) % file.size()];
    }
    for (size_t i = 0; i < tail.size(); ++i) stretch_[i] += tail[i];
    at_ = 0;
  }

  std::vector<std::vector<float>> files_;  // each at unit RMS
  const KeywordStreamOptions& options_;
  SplitMix64 rng_;
  size_t fade_;
  std::vector<float> stretch_ = std::vector<float>(fade_, 0.f);
  size_t at_ = 0;
};

std::string Ms(int64_t samples, int rate) {
  return std::to_string(samples * 1000 / rate);
}

}  // namespace

void KeywordStreamOptions::Visit(OptionVisitor& v) {
  v.Field("from", from, "keyword set to take clips from (Speech Commands layout)");
  v.Field("keywords", keywords,
          "word folders spoken as keywords; empty: yes,no,up,down,left,right,on,off,stop,go");
  v.Field("negative", negative,
          "no keyword at all: only other words of the set, silence and noise (for false alarms)");
  v.Field("split", split, "whose clips: test | validation | train | all");
  v.Field("minutes", minutes, "length of the stream, minutes");
  v.Field("seed", seed, "random seed: same seed, byte-identical files");
  v.Field("unknown_share", unknown_share, "share of clips that are other words than keywords");
  v.Field("gap_min_ms", gap_min_ms, "background alone between two clips, ms: at least");
  v.Field("gap_max_ms", gap_max_ms, "... and at most");
  v.Field("noise", noise, "background noise from the set's _background_noise_ files");
  v.Field("noise_min_db", noise_min_db, "background level per stretch, dBFS RMS: at least");
  v.Field("noise_max_db", noise_max_db, "... and at most");
  v.Field("sample_rate", sample_rate, "sample rate of the stream, Hz");
}

void KeywordStreamOptions::Validate() const {
  if (from.empty()) ThrowOption("--from is required: the keyword set to take clips from");
  for (const auto& k : keywords) {
    if (k.empty() || k == kUnknown || k == "_silence_" || k == "_background_noise_") {
      ThrowOption("--keywords should name word folders. Given: '" + k + "'");
    }
  }
  OneOf("split", split, {"test", "validation", "train", "all"});
  InRange("minutes", minutes, 1.0 / 60, 60.0 * 36);
  InRange("unknown_share", unknown_share, 0, 1);
  InRange("gap_min_ms", gap_min_ms, 0, 600000);
  InRange("gap_max_ms", gap_max_ms, 0, 600000);
  Ordered("gap_min_ms", gap_min_ms, "gap_max_ms", gap_max_ms);
  InRange("noise_min_db", noise_min_db, -120, 0);
  InRange("noise_max_db", noise_max_db, -120, 0);
  Ordered("noise_min_db", noise_min_db, "noise_max_db", noise_max_db);
  InRange("sample_rate", sample_rate, 4000, 96000);
}

std::vector<std::string> KeywordStreamOptions::Keywords() const {
  return keywords.empty() ? CommandWords() : keywords;
}

std::string StreamTruthPath(const std::string& wav_path) {
  const bool wav = wav_path.size() > 4 && wav_path.compare(wav_path.size() - 4, 4, ".wav") == 0;
  return (wav ? wav_path.substr(0, wav_path.size() - 4) : wav_path) + ".truth.csv";
}

std::string StreamSpansPath(const std::string& wav_path) {
  const std::string truth = StreamTruthPath(wav_path);
  return truth.substr(0, truth.size() - 10) + ".spans.csv";
}

KeywordStreamSummary WriteKeywordStream(const KeywordStreamOptions& o, const std::string& wav_path,
                                        const Progress& progress) {
  o.Validate();
  DataOptions data;
  data.root = o.from;
  data.layout = "speech_commands";
  data.split = o.split == "all" ? "none" : "auto";
  const Dataset ds = ReadDataset(data);
  const Split wanted = o.split == "test"         ? Split::kTest
                       : o.split == "validation" ? Split::kValidation
                                                 : Split::kTrain;  // "all": every clip trains

  KeywordStreamSummary summary;
  summary.notes = ds.notes;
  const std::vector<std::string> keywords = o.Keywords();
  std::vector<Pool> keyword_pools(keywords.size());
  Pool others;
  for (size_t i = 0; i < ds.clips.size(); ++i) {
    const ClipRef& clip = ds.clips[i];
    if (clip.split != wanted || clip.label < 0) continue;
    const std::string& word = ds.classes[static_cast<size_t>(clip.label)];
    const auto k = std::find(keywords.begin(), keywords.end(), word) - keywords.begin();
    if (k < static_cast<long>(keywords.size())) {
      if (!o.negative) keyword_pools[static_cast<size_t>(k)].Add(i);
    } else {
      others.Add(i);
    }
  }
  const std::string where = "the " + o.split + " split of " + o.from;
  if (!o.negative) {
    for (size_t k = 0; k < keywords.size(); ++k) {
      if (keyword_pools[k].empty()) {
        std::string classes;
        for (const auto& c : ds.classes) classes += (classes.empty() ? "" : " ") + c;
        ThrowOption("--keywords names '" + keywords[k] + "', which has no clip in " + where +
                    " (classes: " + classes + ")");
      }
      summary.pool += static_cast<int64_t>(keyword_pools[k].size());
    }
  }
  summary.pool += static_cast<int64_t>(others.size());
  if (others.empty() && (o.negative || o.unknown_share > 0)) {
    ThrowOption(std::string(o.negative ? "--negative" : "--unknown_share") +
                " needs clips of other words than the keywords; " + where + " has none");
  }

  std::vector<std::vector<float>> noises;
  if (o.noise) {
    if (ds.noise_files.empty()) {
      ThrowOption("--noise: " + o.from + "/_background_noise_ holds no .wav file; add some, or "
                  "pass --noise=false for a background of digital silence");
    }
    for (const auto& path : ds.noise_files) {
      std::vector<float> x = DecodeFile(path, o.sample_rate);
      const double rms = std::sqrt(Energy(x.data(), x.size()) / std::max<size_t>(1, x.size()));
      if (!(rms > 0)) continue;  // a silent file adds nothing
      for (float& s : x) s = static_cast<float>(s / rms);
      noises.push_back(std::move(x));
    }
    summary.noise_files = static_cast<int>(noises.size());
  }

  const int rate = o.sample_rate;
  const int64_t total = std::llround(o.minutes * 60.0 * rate);
  const uint64_t seed = static_cast<uint64_t>(o.seed);
  SplitMix64 rng(MixSeed(seed, HashString("stream words")));
  Background background(std::move(noises), o, SplitMix64(MixSeed(seed, HashString("stream noise"))));

  const std::string parent = std::filesystem::path(wav_path).parent_path().string();
  if (!parent.empty()) MakeDirs(parent);
  WavStreamWriter writer(wav_path, rate);
  std::string truth, spans = "label,start_ms,end_ms\n";
  std::set<std::string> speakers;
  std::vector<float> pending;  // samples from writer.samples() on, not yet written
  auto extend = [&](int64_t upto) {
    const int64_t have = writer.samples() + static_cast<int64_t>(pending.size());
    if (upto > have) background.Fill(pending, static_cast<size_t>(upto - have));
  };
  auto flush = [&](int64_t upto) {
    const size_t n = static_cast<size_t>(upto - writer.samples());
    writer.Append(pending.data(), n);
    pending.erase(pending.begin(), pending.begin() + static_cast<long>(n));
    if (progress) progress(writer.samples(), total);
  };

  int64_t end_ms = 0;  // where the last clip ended, rounded up to a millisecond
  for (;;) {
    const int64_t start_ms = end_ms + rng.Int(o.gap_min_ms, o.gap_max_ms);
    const bool keyword = !o.negative && !rng.Chance(o.unknown_share);
    const size_t k = static_cast<size_t>(rng.Below(keywords.size()));
    const ClipRef& clip = ds.clips[keyword ? keyword_pools[k].Next(rng) : others.Next(rng)];
    std::vector<float> x = DecodeFile(clip.path, rate);
    const int64_t start = start_ms * rate / 1000;
    const int64_t end = start + static_cast<int64_t>(x.size());
    if (end > total) break;
    // 5 ms ramps at the clip's edges: its own noise starts and stops softly.
    const size_t ramp = std::min(x.size() / 2, static_cast<size_t>(rate / 200));
    for (size_t i = 0; i < ramp; ++i) {
      const float g = static_cast<float>(i) / static_cast<float>(ramp);
      x[i] *= g;
      x[x.size() - 1 - i] *= g;
    }
    extend(end);
    const size_t offset = static_cast<size_t>(start - writer.samples());
    for (size_t i = 0; i < x.size(); ++i) pending[offset + i] += x[i];

    const std::string label = keyword ? keywords[k] : kUnknown;
    const auto [begin, stop] = SpokenSpan(x, rate);
    truth += label + "," + std::to_string(start_ms) + "\n";
    spans += label + "," + Ms(start + static_cast<int64_t>(begin), rate) + "," +
             std::to_string(((start + static_cast<int64_t>(stop)) * 1000 + rate - 1) / rate) + "\n";
    ++summary.per_label[label];
    ++summary.per_folder[ds.classes[static_cast<size_t>(clip.label)]];
    speakers.insert(clip.speaker);
    flush(end);  // nothing before a clip's end changes any more
    end_ms = (end * 1000 + rate - 1) / rate;
  }
  extend(total);
  flush(total);
  // The truth first, the audio last: a stream in place has its truth.
  WriteFileAtomic(StreamTruthPath(wav_path), truth);
  WriteFileAtomic(StreamSpansPath(wav_path), spans);
  writer.Finish();
  summary.seconds = static_cast<double>(total) / rate;
  summary.speakers = static_cast<int>(speakers.size());
  return summary;
}

}  // namespace earshot
