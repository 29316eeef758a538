#include "earshot/synth/keywords.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <set>

#include "earshot/audio/decode.h"
#include "earshot/data/augment_wave.h"
#include "earshot/synth/confusables.h"
#include "earshot/synth/noise.h"
#include "earshot/util/error.h"
#include "earshot/util/files.h"
#include "earshot/util/option_checks.h"
#include "earshot/util/utf8.h"

namespace earshot {
namespace {

constexpr double kNoiseRms = 0.08;   // background files at about -22 dBFS
constexpr double kNoisePeak = 0.9;   // ... unless that would clip

void Fade(std::vector<float>& x, size_t length) {
  length = std::min(length, x.size() / 2);
  for (size_t i = 0; i < length; ++i) {
    const float g = static_cast<float>(i) / static_cast<float>(length);
    x[i] *= g;
    x[x.size() - 1 - i] *= g;
  }
}

double Rms(const std::vector<float>& x) {
  double e = 0;
  for (float v : x) e += double(v) * v;
  return x.empty() ? 0.0 : std::sqrt(e / static_cast<double>(x.size()));
}

}  // namespace

const std::vector<std::string>& SpeechCommandsWords() {
  static const std::vector<std::string> words = {
      "yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go",
      "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
      "bed", "bird", "cat", "dog", "happy", "house", "marvin", "sheila", "tree", "wow",
      "backward", "forward", "follow", "learn", "visual"};
  return words;
}

const std::vector<std::string>& CommandWords() {
  static const std::vector<std::string> words(SpeechCommandsWords().begin(),
                                              SpeechCommandsWords().begin() + 10);
  return words;
}

bool IsCoreWord(const std::string& word) {
  const auto& all = SpeechCommandsWords();
  const auto it = std::find(all.begin(), all.end(), word);
  return it != all.end() && it - all.begin() < 20;
}

std::string WordFolder(const std::string& word) {
  std::string out;
  bool gap = false;
  for (char c : word) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 128 && std::isalnum(u)) {
      if (gap && !out.empty()) out += '_';
      out += static_cast<char>(std::tolower(u));
      gap = false;
    } else {
      gap = true;
    }
  }
  if (!out.empty()) return out;
  char hex[9];
  const uint64_t h = HashString(word);
  std::snprintf(hex, sizeof(hex), "%08x", static_cast<unsigned>((h >> 32) ^ (h & 0xFFFFFFFFu)));
  return std::string("word_") + hex;
}

namespace {

std::string Trimmed(const std::string& text) {
  const size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return "";
  return text.substr(begin, text.find_last_not_of(" \t\r\n") + 1 - begin);
}

bool IsSpeechCommandsWord(const std::string& word) {
  const auto& all = SpeechCommandsWords();
  return std::find(all.begin(), all.end(), word) != all.end();
}

// `--variants all`: every variant espeak-ng has.
bool IsEveryVariant(const std::vector<std::string>& variants) {
  return variants == std::vector<std::string>{"all"};
}

// The room and channel augmentations a baked clip goes through, each at
// the loader's default probability.
const AugmentOptions& BakedAugmentations() {
  static const AugmentOptions baked = [] {
    AugmentOptions o;
    o.reverb = o.eq = o.highpass = o.telephone = o.distortion = true;
    return o;
  }();
  return baked;
}

// Each name one of `known`, none twice: the families voices are drawn from.
void CheckVoiceFamilies(const std::string& option, const std::vector<std::string>& given,
                        const std::vector<std::string>& known) {
  std::set<std::string> seen;
  for (const auto& name : given) {
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      ThrowOption(option + ": unknown '" + name + "'; known: " + list);
    }
    if (!seen.insert(name).second) ThrowOption(option + ": '" + name + "' given twice");
  }
}

}  // namespace

bool KeywordOptions::Repeated(const std::string& word) {
  return IsCoreWord(word) || !IsSpeechCommandsWord(word);
}

void KeywordOptions::Visit(OptionVisitor& v) {
  v.Field("seed", seed, "random seed: same seed, byte-identical files");
  v.Field("speakers", speakers, "distinct voices, one speaker each");
  v.Field("words", words,
          "words or phrases to say, each in its own folder; empty for the 35 of Speech Commands v2");
  v.Field("repeats", repeats,
          "takes per speaker of each command, digit or own phrase; other words once");
  v.Field("accents", accents,
          "English accents of espeak-ng to draw voices from (en, en-us, en-gb-scotland, en-029, "
          "en-gb-x-rp, en-gb-x-gbclan, en-gb-x-gbcwmd, en-us-nyc); empty for all");
  v.Field("variants", variants,
          "espeak-ng voice variants to draw voices from (m1-m8, f1-f5, klatt, whisper, ...); empty "
          "for the 78 that sound like a person, all for every one of the 101 (robots and echoes too)");
  v.Field("intonation", intonation,
          "say each take as a statement, question, exclamation or continuation (50/20/15/15%); "
          "on: --intonation=false says the words as written");
  v.Field("emphasis_share", emphasis_share, "share of takes with one word stressed");
  v.Field("baked_share", baked_share,
          "share of clips with a room and a channel baked in (the loader's reverb, eq, highpass, "
          "telephone, distortion at their default probabilities)");
  v.Field("confusables", confusables,
          "add near misses of the words (parts, rhymes, changed vowels) and ordinary speech");
  v.Field("confusable_folder", confusable_folder, "folder of the near misses and ordinary speech");
  v.Field("noisy_share", noisy_share, "share of clips with low background noise");
  v.Field("sample_rate", sample_rate, "sample rate of the clips, Hz");
  v.Field("noise_seconds", noise_seconds,
          "length of each background noise file, s; 0: 20-60 s at random");
  v.Field("threads", threads, "worker threads");
}

void KeywordOptions::Validate() const {
  if (speakers < 1 || speakers > 100000) {
    ThrowOption("--speakers should be in [1, 100000]. Given: " + std::to_string(speakers));
  }
  std::map<std::string, std::string> word_of_folder;
  for (const auto& given : words) {
    const std::string w = Trimmed(given);
    if (w.empty()) ThrowOption("--words: an empty word (given: '" + given + "')");
    if (!IsValidUtf8(w)) ThrowOption("--words: '" + w + "' is not UTF-8 text");
    if (w.size() > 100) {
      ThrowOption("--words: '" + w.substr(0, 40) + "...' is " + std::to_string(w.size()) +
                  " bytes long; a word or phrase is at most 100");
    }
    const auto [it, fresh] = word_of_folder.insert({WordFolder(w), w});
    if (!fresh) {
      ThrowOption("--words: '" + it->second + "' and '" + w + "' would share the folder " +
                  it->first);
    }
  }
  if (WordFolder(confusable_folder) != confusable_folder && confusable_folder != "_unknown_") {
    ThrowOption("--confusable_folder should be _unknown_ or a plain name of a-z, 0-9 and _. Given: '" +
                confusable_folder + "'");
  }
  if (confusables && word_of_folder.count(confusable_folder)) {
    ThrowOption("--confusable_folder " + confusable_folder + " is the folder of the word '" +
                word_of_folder[confusable_folder] + "'");
  }
  CheckVoiceFamilies("--accents", accents, EnglishAccents());
  if (variants.size() > 1 && std::count(variants.begin(), variants.end(), "all")) {
    ThrowOption("--variants: 'all' stands for every variant and is given alone");
  }
  if (!IsEveryVariant(variants)) {
    CheckVoiceFamilies("--variants", variants, AllVoiceVariants());
  }
  option_checks::InRange("emphasis_share", emphasis_share, 0, 1);
  option_checks::InRange("baked_share", baked_share, 0, 1);
  if (repeats < 1 || repeats > 20) {
    ThrowOption("--repeats should be in [1, 20]. Given: " + std::to_string(repeats));
  }
  if (!(noisy_share >= 0 && noisy_share <= 1)) {
    ThrowOption("--noisy_share should be in [0, 1]. Given: " + std::to_string(noisy_share));
  }
  if (sample_rate < 4000 || sample_rate > 96000) {
    ThrowOption("--sample_rate should be in [4000, 96000]. Given: " + std::to_string(sample_rate));
  }
  if (noise_seconds < 0 || noise_seconds > 3600) {
    ThrowOption("--noise_seconds should be in [0, 3600]. Given: " + std::to_string(noise_seconds));
  }
  if (threads < 1 || threads > 256) {
    ThrowOption("--threads should be in [1, 256]. Given: " + std::to_string(threads));
  }
}

std::vector<std::string> KeywordOptions::Words() const {
  if (words.empty()) return SpeechCommandsWords();
  std::vector<std::string> out;
  for (const auto& w : words) out.push_back(Trimmed(w));
  return out;
}

std::string KeywordTake::FileName() const {
  return speaker + "_nohash_" + std::to_string(take) + ".wav";
}

const std::vector<std::pair<Intonation, double>>& IntonationShares() {
  static const std::vector<std::pair<Intonation, double>> shares = {
      {Intonation::kStatement, 0.5},
      {Intonation::kQuestion, 0.2},
      {Intonation::kExclamation, 0.15},
      {Intonation::kContinuation, 0.15}};
  return shares;
}

namespace {

// How a take is said and whether a room and channel are baked in: drawn
// from a generator of its own, so the clip's other draws stay as they were.
void DrawDelivery(const KeywordOptions& options, KeywordTake& take) {
  SplitMix64 rng(MixSeed(take.seed, HashString("delivery")));
  if (options.intonation) {
    double u = rng.Uniform();
    take.intonation = IntonationShares().back().first;
    for (const auto& [kind, share] : IntonationShares()) {
      if (u < share) {
        take.intonation = kind;
        break;
      }
      u -= share;
    }
  }
  if (rng.Chance(options.emphasis_share)) {
    const size_t words = SpokenWords(take.word).size();
    if (words > 0) take.emphasis = rng.Int(0, static_cast<int>(words) - 1);
  }
  take.baked = rng.Chance(options.baked_share);
}

}  // namespace

std::vector<KeywordTake> PlanKeywordTakes(const KeywordOptions& options) {
  options.Validate();
  SplitMix64 rng(MixSeed(static_cast<uint64_t>(options.seed), HashString("keyword voices")));
  std::set<std::string> ids;
  std::vector<Voice> voices;
  const std::vector<std::string>& variants =
      IsEveryVariant(options.variants) ? AllVoiceVariants() : options.variants;
  while (static_cast<int>(voices.size()) < options.speakers) {
    Voice v = RandomVoice(rng, options.accents, variants);
    // Voices are drawn from millions of settings; a repeated id is rare and
    // simply skipped, so each id stays one voice.
    if (ids.insert(SpeakerId(v)).second) voices.push_back(v);
  }
  const std::vector<std::string> words = options.Words();
  const std::vector<std::string> near =
      options.confusables ? Confusables(words) : std::vector<std::string>{};
  std::vector<KeywordTake> takes;
  auto add = [&](const Voice& v, const std::string& word, const std::string& folder, int t) {
    KeywordTake take;
    take.voice = v;
    take.speaker = SpeakerId(v);
    take.word = word;
    take.folder = folder;
    take.take = t;
    take.seed = MixSeed(static_cast<uint64_t>(options.seed),
                        HashString(folder + "/" + take.FileName()));
    DrawDelivery(options, take);
    takes.push_back(take);
  };
  for (const Voice& v : voices) {
    for (const auto& word : words) {
      const int n = KeywordOptions::Repeated(word) ? options.repeats : 1;
      for (int t = 0; t < n; ++t) add(v, word, WordFolder(word), t);
    }
    // Each near miss once per speaker, numbered in the folder they share.
    for (size_t i = 0; i < near.size(); ++i) {
      add(v, near[i], options.confusable_folder, static_cast<int>(i));
    }
  }
  return takes;
}

std::vector<std::vector<float>> RenderKeywordTakes(const std::vector<KeywordTake>& takes,
                                                   int sample_rate, double noisy_share) {
  const size_t clip = static_cast<size_t>(sample_rate);
  std::vector<SplitMix64> rngs;
  std::vector<Utterance> utterances;
  for (const KeywordTake& take : takes) {
    SplitMix64 rng(take.seed);
    // Each take varies a little around the speaker's own speed and pitch.
    Voice v = take.voice;
    v.rate = static_cast<int>(std::lround(v.rate * rng.Uniform(0.9, 1.1)));
    v.pitch = std::clamp(v.pitch + rng.Int(-4, 4), 0, 100);
    utterances.push_back({v, take.word, take.intonation, take.emphasis});
    rngs.push_back(rng);
  }
  std::vector<std::vector<float>> spoken = SpeakAll(utterances, sample_rate);
  std::vector<std::vector<float>> clips;
  for (size_t t = 0; t < takes.size(); ++t) {
    SplitMix64& rng = rngs[t];
    std::vector<float>& speech = spoken[t];
    // A slow voice may need more than the second: speed it up.
    Utterance faster = utterances[t];
    for (int tries = 0; tries < 4 && speech.size() > clip * 9 / 10; ++tries) {
      faster.voice.rate = std::min(450, faster.voice.rate * 5 / 4);
      speech = SpeakAll({faster}, sample_rate)[0];
    }
    if (speech.size() > clip) speech.resize(clip);
    Fade(speech, static_cast<size_t>(sample_rate / 200));

    float peak = 0;
    for (float s : speech) peak = std::max(peak, std::fabs(s));
    const double level = std::pow(10.0, rng.Uniform(-22.0, -2.0) / 20.0);
    const float gain = peak > 0 ? static_cast<float>(level / peak) : 0.f;
    for (float& s : speech) s *= gain;

    std::vector<float> out(clip, 0.f);
    const size_t offset = static_cast<size_t>(rng.Int(0, static_cast<int>(clip - speech.size())));
    std::copy(speech.begin(), speech.end(), out.begin() + static_cast<long>(offset));
    // As the loader orders them: the room, then the noise, then the channel.
    const AugmentOptions& baked = BakedAugmentations();
    SplitMix64 bake_rng(MixSeed(takes[t].seed, HashString("baked")));
    const auto n = static_cast<int64_t>(clip);
    if (takes[t].baked) AugmentRoom(out.data(), n, sample_rate, baked, AugmentSources{}, bake_rng);
    if (rng.Chance(noisy_share)) {
      const NoiseKind kind = rng.Pick(AllNoiseKinds());
      const double snr_db = rng.Uniform(15.0, 35.0);
      const float scale = static_cast<float>(Rms(speech) * std::pow(10.0, -snr_db / 20.0));
      const std::vector<float> noise = MakeNoise(kind, clip, sample_rate, rng);
      for (size_t i = 0; i < clip; ++i) out[i] = std::clamp(out[i] + scale * noise[i], -1.f, 1.f);
    }
    if (takes[t].baked) {
      AugmentChannel(out.data(), n, sample_rate, baked, bake_rng);
      for (float& s : out) s = std::clamp(s, -1.f, 1.f);
    }
    clips.push_back(std::move(out));
  }
  return clips;
}

std::vector<std::pair<size_t, size_t>> SpeakerRanges(const std::vector<KeywordTake>& takes) {
  std::vector<std::pair<size_t, size_t>> ranges;
  for (size_t i = 0; i < takes.size(); ++i) {
    if (i == 0 || takes[i].speaker != takes[i - 1].speaker) ranges.push_back({i, i});
    ranges.back().second = i + 1;
  }
  return ranges;
}

KeywordSummary WriteKeywordSet(const KeywordOptions& options, const std::string& out_dir,
                               const Progress& progress) {
  const std::vector<KeywordTake> takes = PlanKeywordTakes(options);
  KeywordSummary summary;
  std::set<std::string> speakers;
  for (const auto& t : takes) {
    ++summary.clips_per_word[t.folder];
    speakers.insert(t.speaker);
    // The near misses, as the first speaker says them.
    if (options.confusables && t.speaker == takes.front().speaker &&
        t.folder == options.confusable_folder) {
      summary.confusables.push_back(t.word);
    }
  }
  summary.speakers = static_cast<int>(speakers.size());
  for (const auto& [word, count] : summary.clips_per_word) MakeDirs(out_dir + "/" + word);
  const std::string noise_dir = out_dir + "/_background_noise_";
  MakeDirs(noise_dir);
  const auto& kinds = AllNoiseKinds();
  for (NoiseKind k : kinds) summary.noise_files.push_back(std::string(NoiseName(k)) + ".wav");

  const auto ranges = SpeakerRanges(takes);
  const int64_t groups = static_cast<int64_t>(ranges.size());
  ParallelFor(groups + static_cast<int64_t>(kinds.size()), SpeakingThreads(options.threads), [&](int64_t i) {
    if (i < groups) {
      const auto [begin, end] = ranges[static_cast<size_t>(i)];
      const std::vector<KeywordTake> mine(takes.begin() + static_cast<long>(begin),
                                          takes.begin() + static_cast<long>(end));
      const auto clips = RenderKeywordTakes(mine, options.sample_rate, options.noisy_share);
      for (size_t t = 0; t < mine.size(); ++t) {
        WriteWav(out_dir + "/" + mine[t].folder + "/" + mine[t].FileName(), clips[t],
                 options.sample_rate);
      }
      return;
    }
    const size_t k = static_cast<size_t>(i - groups);
    SplitMix64 rng(MixSeed(static_cast<uint64_t>(options.seed), HashString(summary.noise_files[k])));
    const int drawn = rng.Int(20, 60);
    const int seconds = options.noise_seconds > 0 ? options.noise_seconds : drawn;
    const size_t samples = static_cast<size_t>(seconds) * static_cast<size_t>(options.sample_rate);
    std::vector<float> noise = MakeNoise(kinds[k], samples, options.sample_rate, rng);
    float peak = 0;
    for (float s : noise) peak = std::max(peak, std::fabs(s));
    const float gain = static_cast<float>(std::min(kNoiseRms, kNoisePeak / peak));
    for (float& s : noise) s *= gain;
    WriteWav(noise_dir + "/" + summary.noise_files[k], noise, options.sample_rate);
  }, progress);
  return summary;
}

}  // namespace earshot
