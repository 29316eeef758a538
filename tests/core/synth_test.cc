// Demo data: layouts, CSV contents, clip lengths and rates, shares, and
// byte-identical output for a seed whatever the number of threads.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <numeric>
#include <regex>
#include <set>
#include <sstream>

#include "../option_keys.h"
#include "earshot/audio/decode.h"
#include "earshot/synth/confusables.h"
#include "earshot/synth/keyword_archive.h"
#include "earshot/synth/keywords.h"
#include "earshot/synth/mixtures.h"
#include "earshot/synth/noise.h"
#include "earshot/synth/output_folder.h"
#include "earshot/synth/speech.h"
#include "earshot/synth/tagging.h"
#include "earshot/util/error.h"
#include "earshot/util/files.h"
#include "earshot/util/npz.h"

namespace earshot {
namespace {

namespace fs = std::filesystem;

std::string FreshDir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / "earshot_synth_test" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

// Relative path -> bytes of every file under `root`.
std::map<std::string, std::string> Tree(const std::string& root) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.is_regular_file()) files[fs::relative(e.path(), root).string()] = ReadFile(e.path().string());
  }
  return files;
}

std::vector<std::vector<std::string>> ReadCsv(const std::string& path) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(ReadFile(path));
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) cells.push_back(cell);
    rows.push_back(cells);
  }
  return rows;
}

// What Validate() says of `o`, or "no error".
std::string ValidationError(const KeywordOptions& o) {
  try {
    o.Validate();
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

// Pitch of the voiced frames of `x` (30 ms every 15 ms): the shortest lag
// in 70-400 Hz whose normalised autocorrelation is within 90 % of the
// frame's best; a frame is voiced when that best is at least 0.7.
std::vector<double> PitchTrack(const std::vector<float>& x, int rate) {
  const size_t frame = static_cast<size_t>(rate * 3 / 100);
  const size_t lo = static_cast<size_t>(rate / 400), hi = static_cast<size_t>(rate / 70);
  std::vector<double> f0;
  for (size_t at = 0; at + frame <= x.size(); at += frame / 2) {
    std::vector<double> y(x.begin() + static_cast<long>(at), x.begin() + static_cast<long>(at + frame));
    const double mean = std::accumulate(y.begin(), y.end(), 0.0) / static_cast<double>(frame);
    for (double& v : y) v -= mean;
    std::vector<double> r;
    for (size_t lag = lo; lag <= hi; ++lag) {
      double xy = 0, xx = 0, yy = 0;
      for (size_t i = 0; i + lag < frame; ++i) {
        xy += y[i] * y[i + lag];
        xx += y[i] * y[i];
        yy += y[i + lag] * y[i + lag];
      }
      r.push_back(xy / std::sqrt(xx * yy + 1e-12));
    }
    const double best = *std::max_element(r.begin(), r.end());
    if (best < 0.7) continue;
    size_t k = 0;
    while (r[k] < 0.9 * best) ++k;
    f0.push_back(static_cast<double>(rate) / static_cast<double>(lo + k));
  }
  return f0;
}

// Mean pitch of the last third of a track over that of its first third.
double PitchRise(const std::vector<double>& f0) {
  const size_t third = std::max<size_t>(1, f0.size() / 3);
  const double first = std::accumulate(f0.begin(), f0.begin() + static_cast<long>(third), 0.0);
  const double last = std::accumulate(f0.end() - static_cast<long>(third), f0.end(), 0.0);
  return last / first;
}

double LagOneCorrelation(const std::vector<float>& x) {
  double num = 0, den = 0;
  for (size_t i = 1; i < x.size(); ++i) num += double(x[i]) * x[i - 1];
  for (float v : x) den += double(v) * v;
  return num / den;
}

TEST(SynthRandom, IsReproducibleAndUniform) {
  SplitMix64 a(42), b(42);
  double sum = 0;
  for (int i = 0; i < 10000; ++i) {
    const double u = a.Uniform();
    EXPECT_EQ(u, b.Uniform());
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
  }
  EXPECT_NEAR(sum / 10000, 0.5, 0.01);
  EXPECT_NE(MixSeed(1, 2), MixSeed(1, 3));
  EXPECT_NE(MixSeed(1, 2), MixSeed(2, 2));
}

TEST(SynthNoise, UnitRmsWithTheExpectedColour) {
  std::map<NoiseKind, double> r1;
  for (NoiseKind k : AllNoiseKinds()) {
    SplitMix64 rng(3);
    const std::vector<float> x = MakeNoise(k, 16000, 16000, rng);
    ASSERT_EQ(x.size(), 16000u);
    double e = 0;
    for (float v : x) {
      ASSERT_TRUE(std::isfinite(v)) << NoiseName(k);
      e += double(v) * v;
    }
    EXPECT_NEAR(std::sqrt(e / 16000), 1.0, 1e-3) << NoiseName(k);
    r1[k] = LagOneCorrelation(x);
  }
  // White is uncorrelated, pink somewhat, brown nearly a random walk.
  EXPECT_LT(std::fabs(r1[NoiseKind::kWhite]), 0.05);
  EXPECT_GT(r1[NoiseKind::kPink], 0.3);
  EXPECT_GT(r1[NoiseKind::kBrown], 0.95);
  EXPECT_GT(r1[NoiseKind::kBrown], r1[NoiseKind::kPink]);
  // Hum is periodic at the mains frequency.
  EXPECT_GT(r1[NoiseKind::kHum], 0.9);
}

TEST(SynthSpeech, SpeaksTrimmedWordsAndNamesSpeakers) {
  Voice v;
  v.language = "en-us";
  v.variant = "f2";
  const std::vector<float> yes = Speak(v, "yes", 16000);
  EXPECT_GT(yes.size(), 16000u / 10);
  EXPECT_LT(yes.size(), 16000u);
  // Trimmed: sound within the first and last 30 ms.
  auto peak = [&](size_t from, size_t to) {
    float p = 0;
    for (size_t i = from; i < to; ++i) p = std::max(p, std::fabs(yes[i]));
    return p;
  };
  const float loudest = peak(0, yes.size());
  EXPECT_GT(peak(0, 480), loudest * 0.005f);
  EXPECT_GT(peak(yes.size() - 480, yes.size()), loudest * 0.005f);

  const std::string id = SpeakerId(v);
  EXPECT_TRUE(std::regex_match(id, std::regex("[0-9a-f]{8}"))) << id;
  EXPECT_EQ(id, SpeakerId(v));
  Voice w = v;
  w.pitch = 51;
  EXPECT_NE(id, SpeakerId(w));

  Voice bad = v;
  bad.language = "xx-nonesuch";
  EXPECT_THROW(Speak(bad, "yes", 16000), Error);
}

TEST(SynthSpeech, IntonationAndEmphasisAreMarkedUp) {
  Utterance u{Voice{}, "yes"};
  EXPECT_EQ(SpokenMarkup(u), "yes");
  u.intonation = Intonation::kQuestion;
  EXPECT_EQ(SpokenMarkup(u), "yes?");
  u.text = "Hey, Earshot!";
  u.intonation = Intonation::kContinuation;
  EXPECT_EQ(SpokenMarkup(u), "Hey, Earshot,");  // the drawn ending replaces the text's own
  u.text = "a<b  & 'c'";
  u.intonation = Intonation::kStatement;
  u.emphasis = 1;
  EXPECT_EQ(SpokenMarkup(u), "<speak>a&lt;b <emphasis>&amp;</emphasis> &#39;c&#39;.</speak>");
  u.emphasis = 3;
  try {
    SpokenMarkup(u);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("emphasis on word 3 of 'a<b  & 'c'', which has 3"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(SpeakAll({u}, 16000), Error);  // thrown here, before any process is forked
}

TEST(SynthSpeech, QuestionsRiseStatementsFallStressLengthens) {
  // Measured: statements end at 0.80-0.85 of their starting pitch, questions
  // at 0.89-0.95 (the Scottish accent's questions rise least, 0.89 against
  // 0.85, and are left out for that).
  for (const auto& [accent, variant] : std::vector<std::pair<std::string, std::string>>{
           {"en-us", "f2"}, {"en", "f2"}, {"en-029", "f2"}, {"en-us", "m3"}, {"en", "klatt"}}) {
    Voice v;
    v.language = accent;
    v.variant = variant;
    const auto said = SpeakAll({{v, "no", Intonation::kStatement},
                                {v, "no", Intonation::kQuestion},
                                {v, "hey earshot", Intonation::kStatement},
                                {v, "hey earshot", Intonation::kStatement, 1}},
                               16000);
    const std::string name = accent + "+" + variant;
    const std::vector<double> statement = PitchTrack(said[0], 16000), question = PitchTrack(said[1], 16000);
    ASSERT_GE(statement.size(), 6u) << name;
    ASSERT_GE(question.size(), 6u) << name;
    // A statement ends at least 5 % below where it began; a question ends
    // at least 5 % higher than that, relative to its own start.
    const double fall = PitchRise(statement), rise = PitchRise(question);
    EXPECT_LT(fall, 0.95) << name;
    EXPECT_GT(rise, fall + 0.05) << name;
    // The stressed word is held longer.
    EXPECT_GT(said[3].size(), said[2].size()) << name;
  }
}

TEST(SynthSpeech, EveryListedVariantSpeaks) {
  const auto& person = VoiceVariants();
  const auto& all = AllVoiceVariants();
  EXPECT_EQ(person.size(), 78u);
  EXPECT_EQ(all.size(), 101u);
  EXPECT_EQ(std::set<std::string>(all.begin(), all.end()).size(), all.size());
  EXPECT_TRUE(std::equal(person.begin(), person.end(), all.begin()));
  std::vector<Utterance> each;
  for (const std::string& variant : all) {
    Voice v;
    v.language = "en";
    v.variant = variant;
    each.push_back({v, "go"});
  }
  const auto said = SpeakAll(each, 16000);
  ASSERT_EQ(said.size(), all.size());
  for (size_t i = 0; i < said.size(); ++i) EXPECT_GT(said[i].size(), 800u) << all[i];
}

TEST(SynthKeywords, DeliveryIsDrawnPerTakeAtItsShares) {
  KeywordOptions o;
  o.speakers = 150;
  o.words = {"yes", "no", "hey earshot"};
  o.repeats = 4;
  o.baked_share = 0.3;
  const std::vector<KeywordTake> takes = PlanKeywordTakes(o);
  ASSERT_EQ(takes.size(), 1800u);
  std::map<Intonation, double> share;
  double stressed = 0, baked = 0;
  std::set<int> phrase_words;
  for (const KeywordTake& t : takes) {
    share[t.intonation] += 1.0 / takes.size();
    stressed += (t.emphasis >= 0) / double(takes.size());
    baked += t.baked / double(takes.size());
    if (t.word == "hey earshot") phrase_words.insert(t.emphasis);
    if (t.word != "hey earshot") EXPECT_LE(t.emphasis, 0);
  }
  // Binomial standard errors at n = 1800 are at most 0.012: four of them.
  for (const auto& [kind, expected] : IntonationShares()) {
    EXPECT_NEAR(share[kind], expected, 0.05) << static_cast<int>(kind);
  }
  EXPECT_EQ(share.count(Intonation::kNone), 0u);
  EXPECT_NEAR(stressed, 0.25, 0.05);
  EXPECT_NEAR(baked, 0.3, 0.05);
  EXPECT_EQ(phrase_words, (std::set<int>{-1, 0, 1}));

  // Off: said as written; the voices, files and clip seeds do not move.
  KeywordOptions plain = o;
  plain.intonation = false;
  plain.emphasis_share = 0;
  plain.baked_share = 0;
  const std::vector<KeywordTake> same = PlanKeywordTakes(plain);
  ASSERT_EQ(same.size(), takes.size());
  for (size_t i = 0; i < same.size(); ++i) {
    EXPECT_EQ(same[i].intonation, Intonation::kNone);
    EXPECT_EQ(same[i].emphasis, -1);
    EXPECT_FALSE(same[i].baked);
    EXPECT_EQ(same[i].FileName(), takes[i].FileName());
    EXPECT_EQ(same[i].seed, takes[i].seed);
  }
  const std::vector<KeywordTake> again = PlanKeywordTakes(o);
  for (size_t i = 0; i < again.size(); ++i) {
    EXPECT_EQ(again[i].intonation, takes[i].intonation);
    EXPECT_EQ(again[i].emphasis, takes[i].emphasis);
    EXPECT_EQ(again[i].baked, takes[i].baked);
  }

  KeywordOptions bad = o;
  bad.baked_share = 1.5;
  EXPECT_NE(ValidationError(bad).find("--baked_share should be in [0, 1]. Given: 1.5"),
            std::string::npos);
  bad = o;
  bad.emphasis_share = -0.1;
  EXPECT_NE(ValidationError(bad).find("--emphasis_share should be in [0, 1]"), std::string::npos);
}

TEST(SynthKeywords, BakedClipsGoThroughARoomAndAChannel) {
  KeywordOptions o;
  o.speakers = 1;
  o.words = {"stop"};
  o.repeats = 12;
  o.noisy_share = 0;
  std::vector<KeywordTake> takes = PlanKeywordTakes(o);
  std::vector<KeywordTake> baked = takes;
  for (KeywordTake& t : baked) t.baked = true;
  const auto dry = RenderKeywordTakes(takes, 16000, 0.0);
  const auto wet = RenderKeywordTakes(baked, 16000, 0.0);
  EXPECT_EQ(RenderKeywordTakes(baked, 16000, 0.0), wet);  // the same for the same takes
  int changed = 0;
  for (size_t t = 0; t < takes.size(); ++t) {
    ASSERT_EQ(wet[t].size(), 16000u);
    if (dry[t] != wet[t]) ++changed;
    for (float s : wet[t]) ASSERT_LE(std::fabs(s), 1.f);
  }
  // Each of reverb, eq, high-pass has probability 0.5: a clip escapes all
  // five kinds with probability 0.5^3 x 0.8^2 = 0.08.
  EXPECT_GE(changed, 8);
}

TEST(SynthKeywords, SpeechCommandsLayout) {
  KeywordOptions o;
  o.speakers = 2;
  o.words = {"yes", "cat"};
  o.repeats = 2;
  o.noisy_share = 0.5;
  o.threads = 2;
  const std::string dir = FreshDir("keywords");
  const KeywordSummary s = WriteKeywordSet(o, dir);
  EXPECT_EQ(s.speakers, 2);
  EXPECT_EQ(s.clips_per_word.at("yes"), 4);  // a core word: repeats per speaker
  EXPECT_EQ(s.clips_per_word.at("cat"), 2);  // other words once

  std::set<std::string> speakers;
  const std::regex name("([0-9a-f]{8})_nohash_([0-9]+)\\.wav");
  for (const std::string word : {"yes", "cat"}) {
    int files = 0;
    for (const auto& e : fs::directory_iterator(dir + "/" + word)) {
      std::smatch m;
      const std::string file = e.path().filename().string();
      ASSERT_TRUE(std::regex_match(file, m, name)) << file;
      speakers.insert(m[1]);
      EXPECT_LT(std::stoi(m[2]), word == "yes" ? 2 : 1);
      AudioInfo info;
      const std::vector<float> x = DecodeFile(e.path().string(), 0, &info);
      EXPECT_EQ(info.sample_rate, 16000);
      EXPECT_EQ(info.channels, 1);
      EXPECT_EQ(info.frames, 16000);
      EXPECT_EQ(info.format, "WAV (Microsoft) Signed 16 bit PCM");
      float peak = 0;
      for (float v : x) peak = std::max(peak, std::fabs(v));
      // Levels are drawn from -22 to -2 dBFS (noise may add a little).
      EXPECT_GT(peak, 0.07f) << file;
      EXPECT_LT(peak, 0.85f) << file;
      ++files;
    }
    EXPECT_EQ(files, word == "yes" ? 4 : 2);
  }
  EXPECT_EQ(speakers.size(), 2u);
  EXPECT_FALSE(FileExists(dir + "/validation_list.txt"));

  int noise_files = 0;
  for (const auto& e : fs::directory_iterator(dir + "/_background_noise_")) {
    const AudioInfo info = ProbeFile(e.path().string());
    EXPECT_EQ(info.sample_rate, 16000);
    EXPECT_GE(info.duration, 20.0);
    EXPECT_LE(info.duration, 60.0);
    ++noise_files;
  }
  EXPECT_EQ(noise_files, 6);
}

TEST(SynthKeywords, SameSeedSameBytesWhateverTheThreads) {
  KeywordOptions o;
  o.speakers = 2;
  o.words = {"no", "bed"};
  o.repeats = 2;
  o.noisy_share = 0.5;
  o.noise_seconds = 2;
  o.threads = 1;
  const std::string a = FreshDir("keywords_a"), b = FreshDir("keywords_b");
  WriteKeywordSet(o, a);
  o.threads = 2;
  WriteKeywordSet(o, b);
  const auto ta = Tree(a), tb = Tree(b);
  EXPECT_EQ(ta.size(), 4u + 2u + 6u);  // "no" twice per speaker, "bed" once, 6 noises
  EXPECT_EQ(ProbeFile(a + "/_background_noise_/white_noise.wav").frames, 2 * 16000);
  EXPECT_TRUE(ta == tb);
  o.seed = 2;
  const std::string c = FreshDir("keywords_c");
  WriteKeywordSet(o, c);
  EXPECT_FALSE(Tree(c) == ta);
}

TEST(SynthKeywords, WordFoldersAreSafeNames) {
  EXPECT_EQ(WordFolder("yes"), "yes");
  EXPECT_EQ(WordFolder("Hey, Earshot!"), "hey_earshot");
  EXPECT_EQ(WordFolder("  ok   google 2 "), "ok_google_2");
  EXPECT_EQ(WordFolder("../../etc/passwd"), "etc_passwd");
  EXPECT_EQ(WordFolder("_unknown_"), "unknown");
  const std::string other = WordFolder("\xe6\x97\xa5\xe6\x9c\xac");  // another script
  EXPECT_TRUE(std::regex_match(other, std::regex("word_[0-9a-f]{8}"))) << other;
  EXPECT_NE(other, WordFolder("\xe4\xbd\xa0\xe5\xa5\xbd"));
}

TEST(SynthKeywords, BadWordsAreNamed) {
  auto error = [](const std::vector<std::string>& words) {
    KeywordOptions o;
    o.words = words;
    return ValidationError(o);
  };
  EXPECT_NE(error({"yes", "  "}).find("--words: an empty word"), std::string::npos);
  EXPECT_NE(error({"Hey Earshot", "hey, earshot!"})
                .find("--words: 'Hey Earshot' and 'hey, earshot!' would share the folder hey_earshot"),
            std::string::npos);
  EXPECT_NE(error({"bad \xff byte"}).find("is not UTF-8 text"), std::string::npos);
  EXPECT_NE(error({std::string(101, 'a')}).find("at most 100"), std::string::npos);
  EXPECT_EQ(error({"banana", "hey earshot", "stop"}), "no error");
  KeywordOptions o;
  o.words = {"near"};
  o.confusables = true;
  o.confusable_folder = "near";
  EXPECT_THROW(o.Validate(), Error);
  o.confusable_folder = "../up";
  EXPECT_THROW(o.Validate(), Error);
}

TEST(SynthKeywords, VoiceFamiliesRestrictTheDraw) {
  KeywordOptions all;
  all.speakers = 200;
  all.words = {"yes"};
  KeywordOptions some = all;
  some.accents = {"en-029", "en-us-nyc"};
  some.variants = {"f1", "m3", "klatt"};
  std::set<std::string> accents, variants, speakers;
  for (const KeywordTake& t : PlanKeywordTakes(some)) {
    accents.insert(t.voice.language);
    variants.insert(t.voice.variant);
    speakers.insert(t.speaker);
  }
  EXPECT_EQ(accents, (std::set<std::string>{"en-029", "en-us-nyc"}));
  EXPECT_EQ(variants, (std::set<std::string>{"f1", "klatt", "m3"}));
  EXPECT_EQ(speakers.size(), 200u);
  // Lists naming every accent and variant draw the voices of empty lists.
  KeywordOptions listed = all;
  listed.accents = EnglishAccents();
  listed.variants = VoiceVariants();
  const auto a = PlanKeywordTakes(all), b = PlanKeywordTakes(listed);
  ASSERT_EQ(a.size(), b.size());
  std::set<std::string> all_accents;
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].speaker, b[i].speaker);
    all_accents.insert(a[i].voice.language);
  }
  EXPECT_EQ(all_accents.size(), EnglishAccents().size());
  auto error = [&](const std::vector<std::string>& acc, const std::vector<std::string>& var) {
    KeywordOptions o = all;
    o.accents = acc;
    o.variants = var;
    return ValidationError(o);
  };
  EXPECT_NE(error({"en-xx"}, {}).find("--accents: unknown 'en-xx'; known: en, en-us,"),
            std::string::npos);
  EXPECT_NE(error({}, {"m1", "zz"}).find("--variants: unknown 'zz'; known: m1, m2"),
            std::string::npos);
  EXPECT_NE(error({"en", "en"}, {}).find("--accents: 'en' given twice"), std::string::npos);
  EXPECT_EQ(error({"en-gb-x-rp"}, {"shelby"}), "no error");
  EXPECT_EQ(error({}, {"whisper", "robosoft3", "Mr serious"}), "no error");
  EXPECT_NE(error({}, {"all", "m1"}).find("--variants: 'all' stands for every variant and is given alone"),
            std::string::npos);

  // The default draw keeps to the variants that sound like a person; "all"
  // adds the effects.
  KeywordOptions every = all;
  every.speakers = 400;
  KeywordOptions person = every;
  every.variants = {"all"};
  std::set<std::string> drawn_all, drawn_person;
  for (const KeywordTake& t : PlanKeywordTakes(every)) drawn_all.insert(t.voice.variant);
  for (const KeywordTake& t : PlanKeywordTakes(person)) drawn_person.insert(t.voice.variant);
  const std::set<std::string> person_list(VoiceVariants().begin(), VoiceVariants().end());
  EXPECT_GT(drawn_all.size(), 90u);
  EXPECT_GT(drawn_person.size(), 70u);
  for (const std::string& v : drawn_person) EXPECT_TRUE(person_list.count(v)) << v;
  int effects = 0;
  for (const std::string& v : drawn_all) effects += person_list.count(v) ? 0 : 1;
  EXPECT_GT(effects, 15);
}

TEST(SynthKeywords, PhrasesAreSpokenIntoSafeFolders) {
  KeywordOptions o;
  o.speakers = 2;
  o.words = {"Hey, Earshot!", "stop", "banana", "bed"};
  o.repeats = 3;
  o.noise_seconds = 1;
  const std::string dir = FreshDir("phrases");
  const KeywordSummary s = WriteKeywordSet(o, dir);
  // An own phrase gets the repeats of a command; a Speech Commands word
  // that is no command or digit is said once.
  EXPECT_EQ(s.clips_per_word, (std::map<std::string, int64_t>{
                                  {"hey_earshot", 6}, {"stop", 6}, {"banana", 6}, {"bed", 2}}));
  EXPECT_TRUE(s.confusables.empty());
  int files = 0;
  for (const auto& e : fs::directory_iterator(dir + "/hey_earshot")) {
    const std::vector<float> x = DecodeFile(e.path().string());
    EXPECT_EQ(x.size(), 16000u);
    // A two-word phrase lasts longer than a short word.
    size_t first = x.size(), last = 0;
    for (size_t i = 0; i < x.size(); ++i) {
      if (std::fabs(x[i]) > 0.01f) {
        first = std::min(first, i);
        last = i;
      }
    }
    EXPECT_GT(last - first, 4000u) << e.path();
    ++files;
  }
  EXPECT_EQ(files, 6);
}

TEST(SynthConfusables, PartsRhymesAndOrdinarySpeechNeverATarget) {
  EXPECT_EQ(SpelledSyllables("Hey, earshot!"),
            (std::vector<std::vector<std::string>>{{"hey"}, {"ear", "shot"}}));
  EXPECT_EQ(SpelledSyllables("marvin like"),
            (std::vector<std::vector<std::string>>{{"mar", "vin"}, {"like"}}));
  const std::vector<std::string> targets = {"hey earshot"};
  const std::vector<std::string> near = Confusables(targets);
  const std::set<std::string> set(near.begin(), near.end());
  EXPECT_EQ(set.size(), near.size());
  for (const char* part : {"hey", "hey ear", "earshot", "shot", "good morning"}) {
    EXPECT_TRUE(set.count(part)) << part;
  }
  EXPECT_FALSE(set.count("hey earshot"));
  // Rhymes and changed vowels: other words of the same length.
  const std::set<std::string> ordinary(OrdinaryPhrases().begin(), OrdinaryPhrases().end());
  int rhymes = 0;
  for (const auto& c : near) {
    rhymes += std::count(c.begin(), c.end(), ' ') == 1 && c.size() >= 11 && !ordinary.count(c);
  }
  EXPECT_GE(rhymes, 3);
  // Never the target's sound, nor one containing it.
  const std::string target = BarePhonemes(Phonemes(targets)[0]);
  ASSERT_FALSE(target.empty());
  const std::vector<std::string> sounds = Phonemes(near);
  for (size_t i = 0; i < near.size(); ++i) {
    EXPECT_EQ(BarePhonemes(sounds[i]).find(target), std::string::npos) << near[i];
  }
  // A homophone and a phrase holding the target are dropped: "listen" is
  // an ordinary phrase, gone when it is the target.
  EXPECT_EQ(BarePhonemes(Phonemes({"hay"})[0]), BarePhonemes(Phonemes({"hey"})[0]));
  const std::vector<std::string> listen = Confusables({"listen"});
  EXPECT_EQ(std::count(listen.begin(), listen.end(), "listen"), 0);
  EXPECT_EQ(Confusables({"hey earshot"}), near);  // the same every time
}

TEST(SynthConfusables, GoIntoUnknownOrTheirOwnFolder) {
  KeywordOptions o;
  o.speakers = 2;
  o.words = {"hey earshot"};
  o.confusables = true;
  o.noise_seconds = 1;
  const std::string dir = FreshDir("confusables");
  KeywordSummary s = WriteKeywordSet(o, dir);
  const int64_t n = static_cast<int64_t>(s.confusables.size());
  EXPECT_GT(n, 40);  // the ordinary phrases and the near misses
  EXPECT_EQ(s.clips_per_word.at("_unknown_"), 2 * n);
  EXPECT_EQ(s.confusables, Confusables(o.words));
  int files = 0;
  for (const auto& e : fs::directory_iterator(dir + "/_unknown_")) files += e.is_regular_file();
  EXPECT_EQ(files, 2 * n);
  o.confusable_folder = "near_misses";
  o.speakers = 1;
  const std::string own = FreshDir("confusables_own");
  s = WriteKeywordSet(o, own);
  EXPECT_EQ(s.clips_per_word.at("near_misses"), n);
  EXPECT_FALSE(fs::exists(own + "/_unknown_"));
}

TEST(SynthKeywordArchive, TwelveLabelNpz) {
  KeywordArchiveOptions o;
  o.keywords.speakers = 1;
  o.keywords.repeats = 1;
  o.silence = 2;
  const std::string path = FreshDir("archive") + "/speech.npz";
  const KeywordArchiveSummary s = WriteKeywordArchive(o, path);
  EXPECT_EQ(s.rows, 37);
  const auto members = ReadNpz(path);
  const NpyArray& wav = NpzMember(members, "wav_vals", path);
  const NpyArray& labels = NpzMember(members, "label_vals", path);
  EXPECT_EQ(wav.shape, (std::vector<int64_t>{37, 8000}));
  EXPECT_EQ(labels.shape, (std::vector<int64_t>{37, 1}));
  std::map<std::string, int> counts;
  for (const auto& l : labels.strings) ++counts[l];
  for (const auto& w : CommandWords()) EXPECT_EQ(counts[w], 1) << w;
  EXPECT_EQ(counts["unknown"], 25);
  EXPECT_EQ(counts["silence"], 2);
  EXPECT_EQ(counts.size(), 12u);
  // Silence rows are quiet; spoken rows reach at least -22 dBFS.
  for (size_t r = 0; r < 37; ++r) {
    float peak = 0;
    for (size_t i = 0; i < 8000; ++i) peak = std::max(peak, std::fabs(wav.data[r * 8000 + i]));
    if (labels.strings[r] == "silence") EXPECT_LT(peak, 0.3f);
    else EXPECT_GT(peak, 0.07f) << labels.strings[r];
  }
}

TEST(SynthMixtures, SharesSumToOneAndMatchTheLayout) {
  MixtureOptions o;
  o.sources = 4;
  o.train = 6;
  o.test = 3;
  o.max_sources = 3;
  o.threads = 2;
  const std::string dir = FreshDir("mixtures");
  const MixtureSummary s = WriteMixtureSet(o, dir);
  EXPECT_EQ(s.sources, (std::vector<std::string>{"source_00", "source_01", "source_02", "source_03"}));

  const auto answer = ReadCsv(dir + "/train_answer.csv");
  ASSERT_EQ(answer.size(), 7u);
  EXPECT_EQ(answer[0], (std::vector<std::string>{"id", "source_00", "source_01", "source_02", "source_03"}));
  for (size_t r = 1; r < answer.size(); ++r) {
    ASSERT_EQ(answer[r].size(), 5u);
    EXPECT_EQ(answer[r][0], std::to_string(r - 1));
    double sum = 0;
    int present = 0;
    for (size_t c = 1; c < 5; ++c) {
      const double v = std::stod(answer[r][c]);
      EXPECT_GE(v, 0.0);
      sum += v;
      present += v > 0;
    }
    EXPECT_NEAR(sum, 1.0, 1e-12) << "row " << r;
    EXPECT_GE(present, 2);
    EXPECT_LE(present, 3);
    const AudioInfo info = ProbeFile(dir + "/train/" + answer[r][0] + ".wav");
    EXPECT_EQ(info.sample_rate, 16000);
    EXPECT_EQ(info.frames, 16000);
  }
  const auto submission = ReadCsv(dir + "/submission.csv");
  ASSERT_EQ(submission.size(), 4u);
  EXPECT_EQ(submission[0], answer[0]);
  for (size_t r = 1; r < submission.size(); ++r) {
    EXPECT_EQ(submission[r], (std::vector<std::string>{std::to_string(5 + r), "0", "0", "0", "0"}));
    EXPECT_EQ(ProbeFile(dir + "/test/" + submission[r][0] + ".wav").frames, 16000);
  }

  o.threads = 1;
  const std::string again = FreshDir("mixtures_again");
  WriteMixtureSet(o, again);
  EXPECT_TRUE(Tree(dir) == Tree(again));
}

TEST(SynthMixtures, FormattedSharesAddUpExactly) {
  EXPECT_EQ(FormatShares({1.0 / 3, 1.0 / 3, 1.0 / 3}, 6),
            (std::vector<std::string>{"0.333334", "0.333333", "0.333333"}));
  EXPECT_EQ(FormatShares({0.5, 0.0, 0.5}, 3), (std::vector<std::string>{"0.500", "0.000", "0.500"}));
  EXPECT_EQ(FormatShares({1.0}, 2), (std::vector<std::string>{"1.00"}));
}

TEST(SynthTagging, FreesoundLayout) {
  const std::vector<std::string> labels = TaggingLabels();
  EXPECT_EQ(labels.size(), 41u);
  EXPECT_EQ(std::set<std::string>(labels.begin(), labels.end()).size(), 41u);

  TaggingOptions o;
  o.classes = 3;
  o.clips_per_class = 2;
  o.test_per_class = 1;
  o.max_seconds = 0.8;
  o.threads = 2;
  const std::string dir = FreshDir("tagging");
  const TaggingSummary s = WriteTaggingSet(o, dir);
  EXPECT_EQ(s.train, 6);
  EXPECT_EQ(s.test, 3);

  const auto train = ReadCsv(dir + "/train.csv");
  ASSERT_EQ(train.size(), 7u);
  EXPECT_EQ(train[0], (std::vector<std::string>{"fname", "label", "manually_verified"}));
  const std::set<std::string> first3(labels.begin(), labels.begin() + 3);
  for (size_t r = 1; r < train.size(); ++r) {
    EXPECT_TRUE(std::regex_match(train[r][0], std::regex("[0-9a-f]{8}\\.wav"))) << train[r][0];
    if (r > 1) EXPECT_LT(train[r - 1][0], train[r][0]);
    EXPECT_EQ(first3.count(train[r][1]), 1u) << train[r][1];
    EXPECT_TRUE(train[r][2] == "0" || train[r][2] == "1");
    AudioInfo info;
    DecodeFile(dir + "/audio_train/" + train[r][0], 0, &info);
    EXPECT_EQ(info.sample_rate, 44100);
    EXPECT_EQ(info.channels, 1);
    EXPECT_GE(info.duration, 0.3 - 1e-3);
    EXPECT_LE(info.duration, 0.8 + 1e-3);
  }
  const auto submission = ReadCsv(dir + "/sample_submission.csv");
  ASSERT_EQ(submission.size(), 4u);
  EXPECT_EQ(submission[0], (std::vector<std::string>{"fname", "label"}));
  for (size_t r = 1; r < submission.size(); ++r) {
    EXPECT_TRUE(FileExists(dir + "/audio_test/" + submission[r][0])) << submission[r][0];
    EXPECT_EQ(submission[r][1], labels[0] + " " + labels[1] + " " + labels[2]);
  }

  o.threads = 1;
  const std::string again = FreshDir("tagging_again");
  WriteTaggingSet(o, again);
  EXPECT_TRUE(Tree(dir) == Tree(again));
}

TEST(SynthTagging, UnverifiedRowsCarryFlippedLabels) {
  TaggingOptions o;
  o.classes = 4;
  o.clips_per_class = 3;
  o.test_per_class = 0;
  o.max_seconds = 0.3;
  o.verified_share = 0.0;
  o.flip_share = 0.0;
  const std::string clean = FreshDir("tagging_clean");
  WriteTaggingSet(o, clean);
  o.flip_share = 1.0;
  const std::string noisy = FreshDir("tagging_noisy");
  const TaggingSummary s = WriteTaggingSet(o, noisy);
  EXPECT_EQ(s.flipped, 12);
  const auto a = ReadCsv(clean + "/train.csv"), b = ReadCsv(noisy + "/train.csv");
  ASSERT_EQ(a.size(), 13u);
  ASSERT_EQ(b.size(), 13u);
  for (size_t r = 1; r < a.size(); ++r) {
    EXPECT_EQ(a[r][0], b[r][0]);  // same files ...
    EXPECT_NE(a[r][1], b[r][1]);  // ... other labels
    EXPECT_EQ(b[r][2], "0");
  }
}

TEST(SynthTagging, MissingSoundfontIsNamed) {
  TaggingOptions o;
  o.soundfont = "/nonexistent/GM.sf2";
  try {
    WriteTaggingSet(o, FreshDir("tagging_nosf"));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/GM.sf2"), std::string::npos) << e.what();
  }
}

TEST(SynthFolder, EmptyOrNewFoldersAreUsedOthersRefusedUnlessForced) {
  const std::string dir = FreshDir("folder");
  PrepareSynthFolder(dir + "/new", "mixtures", MixtureOutputs(), false);
  EXPECT_TRUE(fs::is_directory(dir + "/new"));
  PrepareSynthFolder(dir + "/new", "mixtures", MixtureOutputs(), false);  // still empty
  WriteFileAtomic(dir + "/new/notes.txt", "mine");
  try {
    PrepareSynthFolder(dir + "/new", "mixtures", MixtureOutputs(), false);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidOption);
    const std::string what = e.what();
    EXPECT_NE(what.find(dir + "/new: not empty (1 entry: notes.txt)"), std::string::npos) << what;
    EXPECT_NE(what.find("--force"), std::string::npos) << what;
  }
  PrepareSynthFolder(dir + "/new", "mixtures", MixtureOutputs(), true);
  EXPECT_EQ(ReadFile(dir + "/new/notes.txt"), "mine");  // forced: nothing removed
}

TEST(SynthFolder, AnEarlierOutputOfTheSameKindIsReplacedOtherKindsRefused) {
  const std::string dir = FreshDir("folder_again");
  PrepareSynthFolder(dir, "mixtures", MixtureOutputs(), false);
  MakeDirs(dir + "/train");
  WriteFileAtomic(dir + "/train/0.wav", "old clip");
  WriteFileAtomic(dir + "/train_answer.csv", "old answers");
  WriteFileAtomic(dir + "/README", "the user's");
  MakeDirs(dir + "/own_words");
  const std::string outside = FreshDir("folder_outside");
  // Names the marker lists go too; a path out of the folder is no name.
  MarkSynthFolder(dir, "mixtures", {"own_words", "../folder_outside", ".."});
  EXPECT_EQ(ReadFile(dir + "/.earshot-synth"), "mixtures\nown_words\n");
  WriteFileAtomic(dir + "/.earshot-synth", "mixtures\nown_words\n../folder_outside\n");
  PrepareSynthFolder(dir, "mixtures", MixtureOutputs(), false);
  EXPECT_FALSE(fs::exists(dir + "/own_words"));
  EXPECT_TRUE(fs::exists(outside));
  EXPECT_FALSE(fs::exists(dir + "/train"));
  EXPECT_FALSE(fs::exists(dir + "/train_answer.csv"));
  EXPECT_EQ(ReadFile(dir + "/README"), "the user's");
  try {
    PrepareSynthFolder(dir, "tagging", TaggingOutputs(), false);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("an earlier `earshot synth mixtures` output, not tagging"),
              std::string::npos) << e.what();
  }
}

// Each message of the generators' options names the option by its key, as
// the other option structs do; `earshot synth` renames the keys by its flags.
TEST(SynthOptions, MessagesNameOptionsByTheirKeys) {
  int messages = 0;
  messages += testing::CheckMessageKeys(KeywordOptions(), "");
  messages += testing::CheckMessageKeys(KeywordArchiveOptions(), "");
  messages += testing::CheckMessageKeys(MixtureOptions(), "");
  messages += testing::CheckMessageKeys(TaggingOptions(), "");
  EXPECT_GE(messages, 60);
}

}  // namespace
}  // namespace earshot
