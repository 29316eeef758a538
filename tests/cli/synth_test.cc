// `earshot synth`: the command prints the summary of what it made, refuses
// a folder that holds other files, has a flag for each option of its
// generator and names the flag in an error.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "../run_earshot.h"
#include "../temp_dir.h"
#include "earshot/audio/decode.h"
#include "earshot/synth/keyword_archive.h"
#include "earshot/synth/keyword_stream.h"
#include "earshot/synth/keywords.h"
#include "earshot/synth/mixtures.h"
#include "earshot/synth/tagging.h"
#include "earshot/util/files.h"
#include "earshot/util/npz.h"
#include "earshot/util/options.h"

namespace earshot {
namespace {

namespace fs = std::filesystem;

TEST(SynthCli, KeywordsSubcommandPrintsTheSummary) {
  const fs::path dir = testing::FreshDir() / "keywords";
  const testing::CommandResult r =
      testing::RunEarshot("synth keywords " + dir.string() +
                              " --speakers 1 --words yes,bed --repeats 3 --seed 5 --noise-seconds 1",
                          testing::Capture::kStdout);
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("wrote 4 clips of 2 words by 1 speakers"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("yes       3"), std::string::npos) << r.output;
  int files = 0;
  for (const auto& e : fs::directory_iterator(dir / "yes")) files += e.is_regular_file();
  EXPECT_EQ(files, 3);
}

TEST(SynthCli, PhrasesConfusablesAndAStreamFromThem) {
  const fs::path dir = testing::FreshDir();
  const std::string set = (dir / "wake").string();
  testing::CommandResult r = testing::RunEarshot(
      "synth keywords " + set + " --speakers 2 --words 'hey earshot' --repeats 2 --confusables "
      "--noise-seconds 1", testing::Capture::kStdout);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("confusable phrases in _unknown_: 'hey' "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("hey_earshot 4"), std::string::npos) << r.output;
  EXPECT_EQ(ReadFile(set + "/.earshot-synth").find("keywords\n_unknown_\nhey_earshot\n"), 0u);

  const std::string wav = (dir / "pos.wav").string();
  r = testing::RunEarshot("synth stream " + wav + " --from " + set +
                              " --keywords hey_earshot --split all --minutes 0.2 --seed 3",
                          testing::Capture::kStdout);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("wrote 0.2 minutes with "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("hey_earshot "), std::string::npos) << r.output;
  EXPECT_EQ(ProbeFile(wav).frames, 12 * 16000);
  EXPECT_TRUE(fs::exists(dir / "pos.truth.csv"));
  EXPECT_EQ(ReadFile((dir / "pos.spans.csv").string()).rfind("label,start_ms,end_ms\n", 0), 0u);

  const std::string neg = (dir / "neg.wav").string();
  r = testing::RunEarshot("synth stream " + neg + " --from " + set +
                              " --keywords hey_earshot --negative --split all --minutes 0.2",
                          testing::Capture::kStdout);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(ReadFile((dir / "neg.truth.csv").string()).find("hey_earshot"), std::string::npos);
  EXPECT_NE(r.output.find("clips per word folder: _unknown_="), std::string::npos) << r.output;

  r = testing::RunEarshot("synth stream " + (dir / "x.mp3").string() + " --from " + set);
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("the output should end in .wav"), std::string::npos) << r.output;

  // Made again with other words: the earlier phrase's folder goes.
  r = testing::RunEarshot("synth keywords " + set + " --speakers 1 --words 'ok robot' --noise-seconds 1");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_FALSE(fs::exists(set + "/hey_earshot"));
  EXPECT_FALSE(fs::exists(set + "/_unknown_"));
  EXPECT_TRUE(fs::exists(set + "/ok_robot"));

  // Said as written, by any variant; bad voice options named.
  r = testing::RunEarshot("synth keywords " + set + " --speakers 2 --words 'ok robot' --noise-seconds 1 "
                          "--intonation=false --emphasis-share 0 --variants whisper,robosoft2");
  ASSERT_EQ(r.status, 0) << r.output;
  r = testing::RunEarshot("synth keywords " + set + " --speakers 1 --words yes --variants all,m1");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("--variants: 'all' stands for every variant and is given alone"), std::string::npos)
      << r.output;
  r = testing::RunEarshot("synth keywords " + set + " --speakers 1 --words yes --baked-share 1.5");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("--baked-share should be in [0, 1]. Given: 1.5"), std::string::npos) << r.output;
}

TEST(SynthCli, RefusesAFolderHoldingOtherFiles) {
  const fs::path dir = testing::FreshDir();
  WriteFileAtomic((dir / "thesis.tex").string(), "years of work");
  const testing::CommandResult r = testing::RunEarshot("synth keywords " + dir.string() + " --speakers 1 --words yes");
  EXPECT_NE(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("not empty (1 entry: thesis.tex)"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir / "yes"));
}

// The flag of each option of a synth command: its dotted key in kebab case,
// except that `synth npz` flags its spoken rows' options by their own names
// and has no --noise-seconds (an archive has no background noise files).
std::map<std::string, std::string> ExpectedFlags(const std::string& kind, const Options& options) {
  std::map<std::string, std::string> flags;
  for (const auto& [key, help] : ListOptions(options)) {
    std::string name = kind == "npz" && key.rfind("keywords.", 0) == 0 ? key.substr(9) : key;
    if (kind == "npz" && (key == "keywords.noise_seconds" || key == "keywords.confusable_folder")) {
      continue;
    }
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
  const KeywordStreamOptions stream;
  const std::vector<std::pair<std::string, const Options*>> kinds = {
      {"keywords", &keywords}, {"npz", &archive},     {"mixtures", &mixtures},
      {"tagging", &tagging},   {"stream", &stream}};
  for (const auto& [kind, options] : kinds) {
    const testing::CommandResult r = testing::RunEarshot("synth " + kind + " --help", testing::Capture::kStdout);
    EXPECT_EQ(r.status, 0) << r.output;
    const auto flags = ExpectedFlags(kind, *options);
    for (const auto& [key, text] : ListOptions(*options)) {
      const auto flag = flags.find(key);
      if (flag == flags.end()) continue;
      // "  --noisy-share FLOAT=0.3     share of clips ...": the flag, then its help.
      const size_t at = r.output.find("  " + flag->second + " ");
      ASSERT_NE(at, std::string::npos) << kind << ": no " << flag->second << " for " << key << "\n" << r.output;
      const size_t end = r.output.find("\n  -", at + 2);
      EXPECT_NE(r.output.substr(at, end - at).find(text), std::string::npos)
          << kind << " " << flag->second << ": help should be '" << text << "'\n" << r.output;
    }
  }
  const std::string npz = testing::RunEarshot("synth npz --help", testing::Capture::kStdout).output;
  EXPECT_NE(npz.find("  --speakers INT=60 "), std::string::npos) << npz;  // the archive's default
  EXPECT_NE(npz.find("  --sample-rate INT=8000 "), std::string::npos) << npz;
  EXPECT_EQ(npz.find("--noise-seconds"), std::string::npos) << npz;
  EXPECT_EQ(npz.find("--keywords"), std::string::npos) << npz;
  const std::string mix = testing::RunEarshot("synth mixtures --help", testing::Capture::kStdout).output;
  EXPECT_NE(mix.find("  --gain-spread-db FLOAT=12 "), std::string::npos) << mix;
}

TEST(SynthCli, FlagsSetTheirOptions) {
  // keywords: a list, a float and the sample rate, which had no flag before.
  const fs::path root = testing::FreshDir();
  const std::string dir = (root / "keywords").string();
  testing::CommandResult r = testing::RunEarshot(
      "synth keywords " + dir + " --speakers 1 --words bed,yes --sample-rate 8000 --noisy-share 0 --noise-seconds 1");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("wrote 2 clips of 2 words by 1 speakers"), std::string::npos) << r.output;
  for (const char* word : {"bed", "yes"}) {
    for (const auto& e : fs::directory_iterator(dir + "/" + word)) {
      const AudioInfo info = ProbeFile(e.path().string());
      EXPECT_EQ(info.sample_rate, 8000) << e.path();
      EXPECT_EQ(info.frames, 8000) << e.path();
    }
  }
  EXPECT_EQ(ProbeFile(dir + "/_background_noise_/white_noise.wav").frames, 8000);

  // npz: the spoken rows' options by their own names, and --silence.
  const std::string path = (root / "speech.npz").string();
  r = testing::RunEarshot("synth npz " + path + " --speakers 1 --words yes,bed --silence 3 --sample-rate 4000 --seed 9");
  ASSERT_EQ(r.status, 0) << r.output;
  const auto members = ReadNpz(path);
  EXPECT_EQ(NpzMember(members, "wav_vals", path).shape, (std::vector<int64_t>{5, 4000}));
  std::map<std::string, int> counts;
  for (const auto& l : NpzMember(members, "label_vals", path).strings) ++counts[l];
  EXPECT_EQ(counts, (std::map<std::string, int>{{"yes", 1}, {"unknown", 1}, {"silence", 3}}));
}

TEST(SynthCli, ABadValueNamesTheFlagAsTyped) {
  const std::string dir = testing::FreshDir().string();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"keywords " + dir + "/k --noisy-share 2", "error: --noisy-share should be in [0, 1]"},
      {"keywords " + dir + "/k --words 'Stop,stop!'",
       "error: --words: 'Stop' and 'stop!' would share the folder stop"},
      {"stream " + dir + "/s.wav", "error: --from is required"},
      {"stream " + dir + "/s.wav --from x --minutes 0", "error: --minutes should be in"},
      {"stream " + dir + "/s.wav --from x --unknown-share 2",
       "error: --unknown-share should be in [0, 1]. Given: 2"},
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
    const testing::CommandResult r = testing::RunEarshot("synth " + args);
    EXPECT_NE(r.status, 0) << args << ": " << r.output;
    EXPECT_NE(r.output.find(want), std::string::npos) << args << ": " << r.output;
    EXPECT_EQ(r.output.find('_'), std::string::npos) << args << ": a key, not a flag: " << r.output;
  }
  EXPECT_FALSE(fs::exists(dir + "/k"));
}

}  // namespace
}  // namespace earshot
