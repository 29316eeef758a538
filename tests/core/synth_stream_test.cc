// `synth stream`: the truth and spans where the clips were placed, silence
// between them when there is no noise, the noise at its level, the same
// bytes for a seed, no keyword in a negative stream, the held-out speakers
// of testing_list.txt, and errors naming the option.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "../option_keys.h"
#include "../temp_dir.h"
#include "earshot/audio/decode.h"
#include "earshot/synth/keyword_stream.h"
#include "earshot/synth/keywords.h"
#include "earshot/util/error.h"
#include "earshot/util/files.h"

namespace earshot {
namespace {

namespace fs = std::filesystem;

// A small keyword set, made once for the process: four words by three
// speakers, clean clips, two seconds of each noise.
const std::string& TinySet() {
  static const std::string dir = [] {
    const std::string d = (testing::ScratchDir("synth_stream") / "set").string();
    fs::remove_all(d);
    KeywordOptions o;
    o.speakers = 3;
    o.words = {"yes", "no", "bed", "cat"};
    o.repeats = 2;
    o.noisy_share = 0;
    o.noise_seconds = 2;
    WriteKeywordSet(o, d);
    return d;
  }();
  return dir;
}

KeywordStreamOptions Quick() {
  KeywordStreamOptions o;
  o.from = TinySet();
  o.keywords = {"yes", "no"};
  o.split = "all";
  o.minutes = 0.5;
  o.gap_min_ms = 100;
  o.gap_max_ms = 900;
  o.noise = false;
  return o;
}

struct Row {
  std::string label;
  int64_t a = 0, b = 0;
};

std::vector<Row> Rows(const std::string& path, bool header) {
  std::vector<Row> rows;
  std::istringstream in(ReadFile(path));
  std::string line;
  if (header) {
    std::getline(in, line);
    EXPECT_EQ(line, "label,start_ms,end_ms");
  }
  while (std::getline(in, line)) {
    Row r;
    std::stringstream ss(line);
    std::string cell;
    std::getline(ss, r.label, ',');
    std::getline(ss, cell, ',');
    r.a = std::stoll(cell);
    if (std::getline(ss, cell, ',')) r.b = std::stoll(cell);
    rows.push_back(r);
  }
  return rows;
}

double Rms(const std::vector<float>& x, size_t begin, size_t end) {
  double e = 0;
  for (size_t i = begin; i < end; ++i) e += double(x[i]) * x[i];
  return end > begin ? std::sqrt(e / static_cast<double>(end - begin)) : 0.0;
}

TEST(SynthStream, TruthAndSpansMarkWhereTheClipsAre) {
  const std::string wav = (testing::FreshDir() / "s.wav").string();
  const KeywordStreamSummary s = WriteKeywordStream(Quick(), wav);
  AudioInfo info;
  const std::vector<float> x = DecodeFile(wav, 0, &info);
  EXPECT_EQ(info.sample_rate, 16000);
  EXPECT_EQ(info.frames, 30 * 16000);
  EXPECT_DOUBLE_EQ(s.seconds, 30.0);

  const std::vector<Row> truth = Rows(StreamTruthPath(wav), false);
  const std::vector<Row> spans = Rows(StreamSpansPath(wav), true);
  EXPECT_EQ(StreamTruthPath(wav), wav.substr(0, wav.size() - 4) + ".truth.csv");
  // Clips of 1 s with 0.1-0.9 s between them: 15 to 27 in 30 s.
  ASSERT_GE(truth.size(), 15u);
  ASSERT_LE(truth.size(), 27u);
  ASSERT_EQ(spans.size(), truth.size());
  std::vector<bool> in_clip(x.size(), false);
  int64_t before = -1;
  std::map<std::string, int64_t> labels;
  for (size_t i = 0; i < truth.size(); ++i) {
    const Row& t = truth[i];
    ++labels[t.label];
    EXPECT_EQ(spans[i].label, t.label);
    EXPECT_GE(t.a - before, 100) << i;  // at least the shortest gap after the last clip
    EXPECT_LE(t.a + 1000, 30000);
    // The spoken part lies in the clip and is loud; the clip's start has
    // the ramp, nothing before it.
    EXPECT_GE(spans[i].a, t.a);
    EXPECT_LE(spans[i].b, t.a + 1000);
    EXPECT_GT(spans[i].b - spans[i].a, 100) << i;
    const size_t sb = static_cast<size_t>(spans[i].a * 16), se = static_cast<size_t>(spans[i].b * 16);
    EXPECT_GT(Rms(x, sb, se), 0.01) << "row " << i << " " << t.label << " at " << t.a;
    for (size_t j = static_cast<size_t>(t.a * 16); j < static_cast<size_t>((t.a + 1000) * 16); ++j) {
      in_clip[j] = true;
    }
    before = t.a + 1000;
  }
  // No noise: outside the clips the stream is digital silence.
  for (size_t j = 0; j < x.size(); ++j) {
    if (!in_clip[j]) {
      ASSERT_EQ(x[j], 0.f) << "sample " << j;
    }
  }
  EXPECT_EQ(labels, s.per_label);
  EXPECT_GT(labels["yes"] + labels["no"], 0);
  EXPECT_GT(labels["_unknown_"], 0);
  EXPECT_EQ(s.per_folder.count("bed") + s.per_folder.count("cat"), 2u);
  EXPECT_EQ(s.speakers, 3);
}

TEST(SynthStream, SameSeedSameBytesOtherSeedOtherStream) {
  const fs::path dir = testing::FreshDir();
  KeywordStreamOptions o = Quick();
  o.noise = true;
  const std::string a = (dir / "a.wav").string(), b = (dir / "b.wav").string(),
                    c = (dir / "c.wav").string();
  WriteKeywordStream(o, a);
  WriteKeywordStream(o, b);
  o.seed = 2;
  WriteKeywordStream(o, c);
  EXPECT_EQ(ReadFile(a), ReadFile(b));
  EXPECT_EQ(ReadFile(StreamTruthPath(a)), ReadFile(StreamTruthPath(b)));
  EXPECT_EQ(ReadFile(StreamSpansPath(a)), ReadFile(StreamSpansPath(b)));
  EXPECT_NE(ReadFile(StreamTruthPath(a)), ReadFile(StreamTruthPath(c)));
  EXPECT_FALSE(fs::exists(a + ".tmp"));
}

TEST(SynthStream, NoiseFillsTheGapsAtItsLevel) {
  KeywordStreamOptions o = Quick();
  o.noise = true;
  o.noise_min_db = -40;
  o.noise_max_db = -30;
  const std::string wav = (testing::FreshDir() / "n.wav").string();
  const KeywordStreamSummary s = WriteKeywordStream(o, wav);
  EXPECT_EQ(s.noise_files, 6);
  const std::vector<float> x = DecodeFile(wav);
  const std::vector<Row> truth = Rows(StreamTruthPath(wav), false);
  // The background before the first clip and between clips.
  int64_t from = 0;
  int gaps = 0;
  for (const Row& t : truth) {
    if (t.a - from >= 300) {
      const double db = 20 * std::log10(Rms(x, static_cast<size_t>(from * 16), static_cast<size_t>(t.a * 16)));
      // Stretches at -40 to -30 dBFS, crossfaded: a little below at the joins.
      EXPECT_GT(db, -46) << "gap at " << from;
      EXPECT_LT(db, -29) << "gap at " << from;
      ++gaps;
    }
    from = t.a + 1000;
  }
  EXPECT_GT(gaps, 3);
}

TEST(SynthStream, NegativeStreamHasNoKeyword) {
  KeywordStreamOptions o = Quick();
  o.negative = true;
  const std::string wav = (testing::FreshDir() / "neg.wav").string();
  const KeywordStreamSummary s = WriteKeywordStream(o, wav);
  EXPECT_EQ(s.per_folder.count("yes") + s.per_folder.count("no"), 0u);
  EXPECT_EQ(s.per_folder.count("bed") + s.per_folder.count("cat"), 2u);
  const std::vector<Row> truth = Rows(StreamTruthPath(wav), false);
  EXPECT_GE(truth.size(), 15u);
  for (const Row& t : truth) EXPECT_EQ(t.label, "_unknown_");
  EXPECT_EQ(s.per_label, (std::map<std::string, int64_t>{{"_unknown_", int64_t(truth.size())}}));
}

TEST(SynthStream, TakesTheHeldOutSpeakersOfTestingList) {
  // A copy of the set whose testing_list.txt names one speaker's clips.
  const fs::path dir = testing::FreshDir();
  const fs::path set = dir / "set";
  fs::copy(TinySet(), set, fs::copy_options::recursive);
  std::string speaker, list;
  std::set<std::string> listed;
  for (const std::string word : {"yes", "no", "bed", "cat"}) {
    for (const auto& e : fs::directory_iterator(set / word)) {
      const std::string name = e.path().filename().string();
      if (speaker.empty()) speaker = name.substr(0, 8);
      if (name.rfind(speaker, 0) == 0) {
        list += word + "/" + name + "\n";
        listed.insert(word);
      }
    }
  }
  WriteFileAtomic((set / "testing_list.txt").string(), list);
  KeywordStreamOptions o = Quick();
  o.from = set.string();
  o.split = "test";
  const KeywordStreamSummary s = WriteKeywordStream(o, (dir / "t.wav").string());
  EXPECT_EQ(s.speakers, 1);
  EXPECT_EQ(s.pool, 2 + 2 + 1 + 1);  // yes and no twice, bed and cat once
}

void ExpectError(const KeywordStreamOptions& o, const std::string& wanted) {
  const std::string wav = (testing::ScratchDir("synth_stream") / "bad.wav").string();
  try {
    WriteKeywordStream(o, wav);
    ADD_FAILURE() << "no error; wanted " << wanted;
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(wanted), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(wav));
  EXPECT_FALSE(fs::exists(wav + ".tmp"));
}

TEST(SynthStream, BadOptionsAreNamed) {
  KeywordStreamOptions o = Quick();
  o.from = "";
  ExpectError(o, "--from is required");
  o = Quick();
  o.keywords = {"yes", "house"};
  ExpectError(o, "--keywords names 'house', which has no clip in the all split");
  o = Quick();
  o.keywords = {"_unknown_"};
  ExpectError(o, "--keywords should name word folders. Given: '_unknown_'");
  o = Quick();
  o.split = "dev";
  ExpectError(o, "--split should be one of test | validation | train | all. Given: 'dev'");
  o = Quick();
  o.gap_min_ms = 2000;
  ExpectError(o, "--gap_min_ms should be <= gap_max_ms (900). Given: 2000");
  o = Quick();
  o.minutes = 0;
  ExpectError(o, "--minutes should be in");
  o = Quick();
  o.noise_max_db = 3;
  ExpectError(o, "--noise_max_db should be in [-120, 0]. Given: 3");
  o = Quick();
  o.keywords = {"yes", "no", "bed", "cat"};
  o.negative = true;
  ExpectError(o, "--negative needs clips of other words than the keywords");
  o = Quick();
  o.from = (testing::FreshDir() / "nothing").string();
  ExpectError(o, "nothing");
  // A set without background noise: asked for, refused; not asked, silence.
  const fs::path quiet = testing::FreshDir() / "quiet";
  fs::create_directories(quiet / "yes");
  fs::copy(fs::directory_iterator(fs::path(TinySet()) / "yes")->path(), quiet / "yes" / "a_nohash_0.wav");
  fs::create_directories(quiet / "no");
  fs::copy(fs::directory_iterator(fs::path(TinySet()) / "no")->path(), quiet / "no" / "b_nohash_0.wav");
  o = Quick();
  o.from = quiet.string();
  o.unknown_share = 0;
  o.noise = true;
  ExpectError(o, "/_background_noise_ holds no .wav file");
}

TEST(SynthStream, MessagesNameOptionsByTheirKeys) {
  KeywordStreamOptions base;
  base.from = "set";  // past the first check, to the others
  EXPECT_GE(testing::CheckMessageKeys(base, ""), 8);
}

}  // namespace
}  // namespace earshot
