// Demo data: layouts, CSV contents, clip lengths and rates, shares, and
// byte-identical output for a seed whatever the number of threads.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <numeric>
#include <regex>
#include <set>
#include <sstream>

#include "earshot/audio/decode.h"
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
#include "earshot/util/options.h"

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

double LagOneCorrelation(const std::vector<float>& x) {
  double num = 0, den = 0;
  for (size_t i = 1; i < x.size(); ++i) num += double(x[i]) * x[i - 1];
  for (float v : x) den += double(v) * v;
  return num / den;
}

TEST(SynthRandom, IsReproducibleAndUniform) {
  Rng a(42), b(42);
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
    Rng rng(3);
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

TEST(SynthKeywords, RefusesUnknownWords) {
  KeywordOptions o;
  o.words = {"yes", "banana"};
  try {
    PlanKeywordTakes(o);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'banana'"), std::string::npos) << e.what();
  }
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

// A shell command's standard output; its exit status in `status`.
std::string Capture(const std::string& cmd, int& status) {
  std::string out;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return out;
  char buf[256];
  while (fgets(buf, sizeof(buf), pipe)) out += buf;
  status = pclose(pipe);
  return out;
}

TEST(SynthCli, KeywordsSubcommandPrintsTheSummary) {
  const std::string dir = FreshDir("cli_keywords");
  const std::string cmd = std::string(EARSHOT_BINARY) + " synth keywords " + dir +
                          " --speakers 1 --words yes,bed --repeats 3 --seed 5 --noise-seconds 1 2>/dev/null";
  int status = -1;
  const std::string out = Capture(cmd, status);
  EXPECT_EQ(status, 0) << out;
  EXPECT_NE(out.find("wrote 4 clips of 2 words by 1 speakers"), std::string::npos) << out;
  EXPECT_NE(out.find("yes       3"), std::string::npos) << out;
  int files = 0;
  for (const auto& e : fs::directory_iterator(dir + "/yes")) files += e.is_regular_file();
  EXPECT_EQ(files, 3);
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
  MarkSynthFolder(dir, "mixtures");
  PrepareSynthFolder(dir, "mixtures", MixtureOutputs(), false);
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

TEST(SynthCli, RefusesAFolderHoldingOtherFiles) {
  const std::string dir = FreshDir("cli_busy");
  WriteFileAtomic(dir + "/thesis.tex", "years of work");
  const std::string cmd = std::string(EARSHOT_BINARY) + " synth keywords " + dir +
                          " --speakers 1 --words yes 2>&1";
  int status = 0;
  const std::string out = Capture(cmd, status);
  EXPECT_NE(status, 0) << out;
  EXPECT_NE(out.find("not empty (1 entry: thesis.tex)"), std::string::npos) << out;
  EXPECT_FALSE(fs::exists(dir + "/yes"));
}

// The flag of each option of a synth command: its dotted key in kebab case,
// except that `synth npz` flags its spoken rows' options by their own names
// and has no --noise-seconds (an archive has no background noise files).
std::map<std::string, std::string> ExpectedFlags(const std::string& kind, const Options& options) {
  std::map<std::string, std::string> flags;
  for (const auto& [key, help] : ListOptions(options)) {
    std::string name = kind == "npz" && key.rfind("keywords.", 0) == 0 ? key.substr(9) : key;
    if (kind == "npz" && key == "keywords.noise_seconds") continue;
    for (char& c : name) {
      if (c == '_' || c == '.') c = '-';
    }
    flags[key] = "--" + name;
  }
  return flags;
}

TEST(SynthCli, EveryOptionIsAFlagWithItsHelpAndDefault) {
  const KeywordOptions keywords;
  const KeywordArchiveOptions archive;
  const MixtureOptions mixtures;
  const TaggingOptions tagging;
  const std::vector<std::pair<std::string, const Options*>> kinds = {
      {"keywords", &keywords}, {"npz", &archive}, {"mixtures", &mixtures}, {"tagging", &tagging}};
  for (const auto& [kind, options] : kinds) {
    int status = -1;
    const std::string help = Capture(std::string(EARSHOT_BINARY) + " synth " + kind + " --help", status);
    EXPECT_EQ(status, 0) << help;
    const auto flags = ExpectedFlags(kind, *options);
    for (const auto& [key, text] : ListOptions(*options)) {
      const auto flag = flags.find(key);
      if (flag == flags.end()) continue;
      // "  --noisy-share FLOAT=0.3     share of clips ...": the flag, then its help.
      const size_t at = help.find("  " + flag->second + " ");
      ASSERT_NE(at, std::string::npos) << kind << ": no " << flag->second << " for " << key << "\n" << help;
      const size_t end = help.find("\n  -", at + 2);
      EXPECT_NE(help.substr(at, end - at).find(text), std::string::npos)
          << kind << " " << flag->second << ": help should be '" << text << "'\n" << help;
    }
  }
  int status = -1;
  const std::string npz = Capture(std::string(EARSHOT_BINARY) + " synth npz --help", status);
  EXPECT_NE(npz.find("  --speakers INT=60 "), std::string::npos) << npz;  // the archive's default
  EXPECT_NE(npz.find("  --sample-rate INT=8000 "), std::string::npos) << npz;
  EXPECT_EQ(npz.find("--noise-seconds"), std::string::npos) << npz;
  EXPECT_EQ(npz.find("--keywords"), std::string::npos) << npz;
  const std::string mix = Capture(std::string(EARSHOT_BINARY) + " synth mixtures --help", status);
  EXPECT_NE(mix.find("  --gain-spread-db FLOAT=12 "), std::string::npos) << mix;
}

TEST(SynthCli, FlagsSetTheirOptions) {
  // keywords: a list, a float and the sample rate, which had no flag before.
  const std::string dir = FreshDir("cli_keyword_flags");
  int status = -1;
  std::string out = Capture(std::string(EARSHOT_BINARY) + " synth keywords " + dir +
                                " --speakers 1 --words bed,yes --sample-rate 8000 --noisy-share 0"
                                " --noise-seconds 1 2>&1",
                            status);
  ASSERT_EQ(status, 0) << out;
  EXPECT_NE(out.find("wrote 2 clips of 2 words by 1 speakers"), std::string::npos) << out;
  for (const char* word : {"bed", "yes"}) {
    for (const auto& e : fs::directory_iterator(dir + "/" + word)) {
      const AudioInfo info = ProbeFile(e.path().string());
      EXPECT_EQ(info.sample_rate, 8000) << e.path();
      EXPECT_EQ(info.frames, 8000) << e.path();
    }
  }
  EXPECT_EQ(ProbeFile(dir + "/_background_noise_/white_noise.wav").frames, 8000);

  // npz: the spoken rows' options by their own names, and --silence.
  const std::string path = FreshDir("cli_npz_flags") + "/speech.npz";
  out = Capture(std::string(EARSHOT_BINARY) + " synth npz " + path +
                    " --speakers 1 --words yes,bed --silence 3 --sample-rate 4000 --seed 9 2>&1",
                status);
  ASSERT_EQ(status, 0) << out;
  const auto members = ReadNpz(path);
  EXPECT_EQ(NpzMember(members, "wav_vals", path).shape, (std::vector<int64_t>{5, 4000}));
  std::map<std::string, int> counts;
  for (const auto& l : NpzMember(members, "label_vals", path).strings) ++counts[l];
  EXPECT_EQ(counts, (std::map<std::string, int>{{"yes", 1}, {"unknown", 1}, {"silence", 3}}));
}

TEST(SynthCli, ABadValueNamesTheFlagAsTyped) {
  const std::string dir = FreshDir("cli_bad_values");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"keywords " + dir + "/k --noisy-share 2", "error: --noisy-share should be in [0, 1]"},
      {"keywords " + dir + "/k --words yes,banana", "error: --words: 'banana'"},
      {"npz " + dir + "/a.npz --speakers 0", "error: --speakers should be in [1, 100000]. Given: 0"},
      {"npz " + dir + "/a.npz --sample-rate 100", "error: --sample-rate should be in [4000, 96000]"},
      {"mixtures " + dir + "/m --min-sources 5",
       "error: --min-sources and --max-sources should satisfy"},
      {"mixtures " + dir + "/m --gain-spread-db 99", "error: --gain-spread-db should be in [0, 60]"},
      {"tagging " + dir + "/t --clips-per-class 0 --test-per-class 0",
       "error: --clips-per-class and --test-per-class should be"},
      {"tagging " + dir + "/t --flip-share 1.5", "error: --flip-share should be in [0, 1]"},
      {"tagging " + dir + "/t --classes many", "--classes"},
  };
  for (const auto& [args, want] : cases) {
    int status = 0;
    const std::string out = Capture(std::string(EARSHOT_BINARY) + " synth " + args + " 2>&1", status);
    EXPECT_NE(status, 0) << args << ": " << out;
    EXPECT_NE(out.find(want), std::string::npos) << args << ": " << out;
    EXPECT_EQ(out.find('_'), std::string::npos) << args << ": a key, not a flag: " << out;
  }
  EXPECT_FALSE(fs::exists(dir + "/k"));
}

}  // namespace
}  // namespace earshot
