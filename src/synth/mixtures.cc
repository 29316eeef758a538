#include "earshot/synth/mixtures.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

#include "earshot/audio/decode.h"
#include "earshot/audio/levels.h"
#include "earshot/synth/keywords.h"
#include "earshot/synth/speech.h"
#include "earshot/util/error.h"
#include "earshot/util/files.h"

namespace earshot {
namespace {

constexpr int kWordsPerStream = 12;

// The variants mixtures are made of: the first 45 of the default draw, all
// voiced (no whisper or croak, poor sources of overlapped speech), as the
// mixture recipes were measured with.
constexpr size_t kMixtureVariants = 45;

// Distinct voices: pitches spread evenly over the range and variants dealt
// out in turn, so that sources differ in ways a model can hear.
std::vector<Voice> SourceVoices(int count, SplitMix64& rng) {
  std::vector<std::string> variants(VoiceVariants().begin(),
                                    VoiceVariants().begin() + kMixtureVariants);
  Shuffle(variants, rng);
  std::vector<int> pitches;
  for (int i = 0; i < count; ++i) pitches.push_back(count == 1 ? 50 : 10 + 80 * i / (count - 1));
  Shuffle(pitches, rng);
  std::vector<Voice> voices;
  std::set<std::string> names;
  for (int i = 0; voices.size() < static_cast<size_t>(count); ++i) {
    Voice v;
    v.language = rng.Pick(EnglishAccents());
    v.variant = variants[static_cast<size_t>(i) % variants.size()];
    v.rate = rng.Int(130, 200);
    v.pitch = pitches[voices.size()];
    v.range = rng.Int(20, 90);
    if (names.insert(v.Name()).second) voices.push_back(v);
  }
  return voices;
}

// A source's words one after another with short pauses.
std::vector<float> SourceStream(const Voice& voice, uint64_t seed, int rate) {
  SplitMix64 rng(seed);
  std::vector<Utterance> words;
  for (int w = 0; w < kWordsPerStream; ++w) words.push_back({voice, rng.Pick(SpeechCommandsWords())});
  std::vector<float> stream;
  for (const std::vector<float>& word : SpeakAll(words, rate)) {
    stream.insert(stream.end(), word.begin(), word.end());
    stream.resize(stream.size() + static_cast<size_t>(rng.Uniform(0.03, 0.12) * rate), 0.f);
  }
  return stream;
}

struct Mixture {
  std::vector<float> samples;
  std::vector<double> shares;  // per source, 0 for the absent ones
  int count = 0;               // sources mixed
};

Mixture Mix(const std::vector<std::vector<float>>& streams, const MixtureOptions& o,
            uint64_t seed) {
  SplitMix64 rng(seed);
  const size_t length = static_cast<size_t>(std::lround(o.seconds * o.sample_rate));
  std::vector<int> order(streams.size());
  std::iota(order.begin(), order.end(), 0);
  Shuffle(order, rng);
  Mixture m;
  m.count = rng.Int(o.min_sources, o.max_sources);
  m.samples.assign(length, 0.f);
  m.shares.assign(streams.size(), 0.0);
  double total = 0;
  for (int k = 0; k < m.count; ++k) {
    const std::vector<float>& s = streams[static_cast<size_t>(order[static_cast<size_t>(k)])];
    // A window that is mostly a pause would carry little of the source:
    // take the loudest of a few tries.
    size_t best = 0;
    double best_energy = -1;
    for (int t = 0; t < 4; ++t) {
      const size_t start = static_cast<size_t>(rng.Int(0, static_cast<int>(s.size() - length)));
      double e = 0;
      for (size_t i = 0; i < length; ++i) e += double(s[start + i]) * s[start + i];
      if (e > best_energy) best = start, best_energy = e;
    }
    if (best_energy <= 0) throw Error(ErrorKind::kInternal, "mixtures: a source stream is silent");
    const double gain = std::pow(10.0, -rng.Uniform(0.0, o.gain_spread_db) / 20.0);
    // Equal energy per source, then the gain: energy share = gain^2.
    const double scale = gain / std::sqrt(best_energy / static_cast<double>(length));
    for (size_t i = 0; i < length; ++i) {
      m.samples[i] += static_cast<float>(scale * s[best + i]);
    }
    m.shares[static_cast<size_t>(order[static_cast<size_t>(k)])] = gain * gain;
    total += gain * gain;
  }
  for (double& s : m.shares) s /= total;
  float peak = 0;
  for (float v : m.samples) peak = std::max(peak, std::fabs(v));
  const float level = static_cast<float>(rng.Uniform(0.3, 0.9)) / peak;
  for (float& v : m.samples) v *= level;
  return m;
}

}  // namespace

void MixtureOptions::Visit(OptionVisitor& v) {
  v.Field("seed", seed, "random seed: same seed, byte-identical files");
  v.Field("sources", sources, "distinct voices: the label columns");
  v.Field("train", train, "train clips");
  v.Field("test", test, "test clips");
  v.Field("min_sources", min_sources, "sources per clip, at least");
  v.Field("max_sources", max_sources, "sources per clip, at most");
  v.Field("gain_spread_db", gain_spread_db, "gains drawn from [-spread, 0] dB");
  v.Field("seconds", seconds, "clip length, s");
  v.Field("sample_rate", sample_rate, "sample rate, Hz");
  v.Field("threads", threads, "worker threads");
}

void MixtureOptions::Validate() const {
  if (sources < 2 || sources > 1000) {
    ThrowOption("--sources should be in [2, 1000]. Given: " + std::to_string(sources));
  }
  if (min_sources < 1 || min_sources > max_sources || max_sources > sources) {
    ThrowOption("--min_sources and --max_sources should satisfy 1 <= min <= max <= sources (" +
                std::to_string(sources) + "). Given: " + std::to_string(min_sources) + " and " +
                std::to_string(max_sources));
  }
  if (train < 0 || test < 0 || train + test < 1 || train > 10000000 || test > 10000000) {
    ThrowOption("--train and --test should be >= 0 with at least one clip. Given: " +
                std::to_string(train) + " and " + std::to_string(test));
  }
  if (!(gain_spread_db >= 0 && gain_spread_db <= 60)) {
    ThrowOption("--gain_spread_db should be in [0, 60]. Given: " + std::to_string(gain_spread_db));
  }
  if (!(seconds >= 0.1 && seconds <= 3.0)) {
    ThrowOption("--seconds should be in [0.1, 3] (streams hold a few seconds of speech). Given: " +
                std::to_string(seconds));
  }
  if (sample_rate < 4000 || sample_rate > 96000) {
    ThrowOption("--sample_rate should be in [4000, 96000]. Given: " + std::to_string(sample_rate));
  }
  if (threads < 1 || threads > 256) {
    ThrowOption("--threads should be in [1, 256]. Given: " + std::to_string(threads));
  }
}

std::vector<std::string> MixtureSourceNames(int sources) {
  const int width = std::max(2, static_cast<int>(std::to_string(sources - 1).size()));
  std::vector<std::string> names;
  for (int i = 0; i < sources; ++i) {
    std::string n = std::to_string(i);
    names.push_back("source_" + std::string(static_cast<size_t>(width) - n.size(), '0') + n);
  }
  return names;
}

std::vector<std::string> FormatShares(const std::vector<double>& shares, int digits) {
  const int64_t unit = static_cast<int64_t>(std::llround(std::pow(10.0, digits)));
  std::vector<int64_t> units(shares.size());
  std::vector<double> rest(shares.size());
  int64_t used = 0;
  for (size_t i = 0; i < shares.size(); ++i) {
    const double scaled = shares[i] * static_cast<double>(unit);
    units[i] = static_cast<int64_t>(std::floor(scaled));
    rest[i] = scaled - static_cast<double>(units[i]);
    used += units[i];
  }
  std::vector<size_t> by_rest(shares.size());
  std::iota(by_rest.begin(), by_rest.end(), 0);
  std::stable_sort(by_rest.begin(), by_rest.end(),
                   [&](size_t a, size_t b) { return rest[a] > rest[b]; });
  for (size_t k = 0; used < unit && k < by_rest.size(); ++k, ++used) ++units[by_rest[k]];
  std::vector<std::string> out;
  for (int64_t u : units) {
    std::string frac = std::to_string(u % unit);
    frac.insert(0, static_cast<size_t>(digits) - frac.size(), '0');
    out.push_back(std::to_string(u / unit) + "." + frac);
  }
  return out;
}

MixtureSummary WriteMixtureSet(const MixtureOptions& options, const std::string& out_dir,
                               const Progress& progress) {
  options.Validate();
  const uint64_t seed = static_cast<uint64_t>(options.seed);
  SplitMix64 rng(MixSeed(seed, HashString("mixture voices")));
  const std::vector<Voice> voices = SourceVoices(options.sources, rng);
  MixtureSummary summary;
  summary.sources = MixtureSourceNames(options.sources);
  summary.train = options.train;
  summary.test = options.test;
  summary.clips_per_count.assign(static_cast<size_t>(options.max_sources) + 1, 0);

  std::vector<std::vector<float>> streams(voices.size());
  ParallelFor(static_cast<int64_t>(voices.size()), SpeakingThreads(options.threads), [&](int64_t i) {
    streams[static_cast<size_t>(i)] =
        SourceStream(voices[static_cast<size_t>(i)],
                     MixSeed(seed, HashString("stream/" + summary.sources[static_cast<size_t>(i)])),
                     options.sample_rate);
  });
  const size_t length = static_cast<size_t>(std::lround(options.seconds * options.sample_rate));
  for (auto& s : streams) {
    if (s.size() < length) s.resize(length, 0.f);
  }

  MakeDirs(out_dir + "/train");
  MakeDirs(out_dir + "/test");
  const int64_t clips = options.train + options.test;
  std::vector<std::vector<double>> shares(static_cast<size_t>(options.train));
  std::vector<int> counts(static_cast<size_t>(clips));
  ParallelFor(clips, options.threads, [&](int64_t id) {
    const Mixture m = Mix(streams, options, MixSeed(seed, HashString("mixture/" + std::to_string(id))));
    const bool train = id < options.train;
    const std::string path = out_dir + (train ? "/train/" : "/test/") + std::to_string(id) + ".wav";
    // The rule of decoded audio; the mix is scaled to a peak of 0.3 to 0.9,
    // so it never needs the room above full scale that 16-bit WAV lacks.
    CheckLevels(m.samples.data(), static_cast<int64_t>(m.samples.size()), path);
    WriteWav(path, m.samples, options.sample_rate);
    if (train) shares[static_cast<size_t>(id)] = m.shares;
    counts[static_cast<size_t>(id)] = m.count;
  }, progress);
  for (int c : counts) ++summary.clips_per_count[static_cast<size_t>(c)];

  std::string header = "id";
  for (const auto& s : summary.sources) header += "," + s;
  std::string answer = header + "\n", submission = header + "\n";
  for (int64_t id = 0; id < options.train; ++id) {
    answer += std::to_string(id);
    for (const auto& s : FormatShares(shares[static_cast<size_t>(id)], 6)) answer += "," + s;
    answer += "\n";
  }
  for (int64_t id = options.train; id < clips; ++id) {
    submission += std::to_string(id);
    for (int s = 0; s < options.sources; ++s) submission += ",0";
    submission += "\n";
  }
  WriteFileAtomic(out_dir + "/train_answer.csv", answer);
  WriteFileAtomic(out_dir + "/submission.csv", submission);
  return summary;
}

}  // namespace earshot
