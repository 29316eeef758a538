#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <numeric>
#include <vector>

#include "earshot/util/sha1.h"
#include "earshot/util/error.h"
#include "earshot/util/files.h"
#include "earshot/util/markup.h"
#include "earshot/util/parallel.h"
#include "earshot/util/progress.h"
#include "earshot/util/random.h"
#include "../../src/data/shuffle.h"
#include "earshot/util/toml_table.h"
#include "../temp_dir.h"

namespace earshot {
namespace {

// The streams every fixture, split and demo data set depends on: the
// values were drawn with the generators this one replaced (one each in the
// demo synthesis, the loader and the splits), so a change to any stream
// fails here before it moves a fixture.
TEST(Random, StreamsAreThoseTheDataSetsWereMadeWith) {
  const uint64_t seed = MixSeed(7, HashString("yes/0a1b2c3d_nohash_0"));
  EXPECT_EQ(seed, 17260008278793284003ull);
  SplitMix64 r(seed);
  EXPECT_EQ(r.Next(), 6744529399105567525ull);
  EXPECT_EQ(r.Int(3, 3), 3);  // draws even when there is one choice
  const std::vector<int> ints{r.Int(0, 10), r.Int(0, 20), r.Int(0, 30), r.Int(0, 40), r.Int(0, 50)};
  EXPECT_EQ(ints, (std::vector<int>{7, 0, 8, 13, 38}));
  EXPECT_DOUBLE_EQ(r.Uniform(-2, 5), 1.3627129733159502);
  EXPECT_DOUBLE_EQ(r.Normal(), 2.1915108521672058);
  std::vector<int> v(10);
  std::iota(v.begin(), v.end(), 0);
  Shuffle(v, r);
  EXPECT_EQ(v, (std::vector<int>{2, 8, 1, 0, 7, 9, 6, 3, 5, 4}));
  EXPECT_EQ(r.Pick(std::vector<int>{42}), 42);
  EXPECT_EQ(r.Next(), 5512769760840487478ull);

  SplitMix64 e = SplitMix64::For(3, 2, 2, 11);
  EXPECT_EQ(e(), 16094162114811682483ull);
  EXPECT_EQ(e.UniformInt(5, 5), 5);  // no draw when there is one choice
  std::vector<int64_t> wide;
  for (int i = 1; i < 6; ++i) wide.push_back(e.UniformInt(0, 10 * i));
  EXPECT_EQ(wide, (std::vector<int64_t>{4, 16, 21, 17, 24}));
  EXPECT_DOUBLE_EQ(e.Gamma(0.4), 1.8865079503338322);
  EXPECT_DOUBLE_EQ(e.Beta(0.3, 0.3), 0.15241918889298298);
  EXPECT_DOUBLE_EQ(e.Normal(), 1.9903637477840621);
  EXPECT_DOUBLE_EQ(e.Uniform(1, 2), 1.219687929994556);

  std::vector<int> w(10);
  std::iota(w.begin(), w.end(), 0);
  data_internal::SeededShuffle(w, 5, 1001);
  EXPECT_EQ(w, (std::vector<int>{8, 1, 4, 6, 7, 5, 0, 3, 9, 2}));
}

TEST(ParallelFor, RunsEachItemOnceAndRethrowsTheFirstError) {
  std::vector<int> hits(1000, 0);
  int64_t last_done = 0, total = 0;
  ParallelFor(1000, 4, [&](int64_t i) { hits[static_cast<size_t>(i)] += 1; },
              [&](int64_t done, int64_t all) {
                EXPECT_EQ(done, last_done + 1);
                last_done = done;
                total = all;
              });
  EXPECT_EQ(std::count(hits.begin(), hits.end(), 1), 1000);
  EXPECT_EQ(last_done, 1000);
  EXPECT_EQ(total, 1000);
  EXPECT_THROW(ParallelFor(100, 3, [](int64_t i) { if (i == 17) ThrowBadData("item 17"); }), Error);
  ParallelFor(0, 4, [](int64_t) { FAIL() << "no items"; });
}

TEST(FormatDuration, SecondsMinutesHours) {
  EXPECT_EQ(FormatDuration(0), "0s");
  EXPECT_EQ(FormatDuration(59.4), "59s");
  EXPECT_EQ(FormatDuration(62), "1:02");
  EXPECT_EQ(FormatDuration(3723), "1:02:03");
  EXPECT_EQ(FormatDuration(-1), "?");
}

TEST(Files, AtomicWriteReplacesAndLeavesNoTemporary) {
  const auto dir = testing::ScratchDir("util_test");
  MakeDirs((dir / "a" / "b").string());
  const std::string path = (dir / "a" / "b" / "f.bin").string();
  WriteFileAtomic(path, "first");
  WriteFileAtomic(path, std::string("sec\0ond", 7));
  EXPECT_EQ(ReadFile(path), std::string("sec\0ond", 7));
  EXPECT_FALSE(FileExists(path + ".tmp"));
  std::filesystem::remove_all(dir);
}

TEST(Files, ErrorsNameThePath) {
  try {
    ReadFile("/nonexistent/dir/x.bin");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kIo);
    EXPECT_NE(std::string(e.what()).find("/nonexistent/dir/x.bin"), std::string::npos);
  }
  EXPECT_THROW(WriteFileAtomic("/nonexistent/dir/x.bin", "x"), Error);
}

}  // namespace
}  // namespace earshot

namespace earshot {
namespace {

// FIPS 180 test vectors and the padding edges (55, 56 and 64 bytes: the
// length field fits the last block, needs another, or starts a new one);
// the expected digests are Python's hashlib.sha1.
TEST(EscapeMarkup, TheFiveMarkupCharactersBecomeReferences) {
  EXPECT_EQ(EscapeMarkup("a<b&c>\"d'"), "a&lt;b&amp;c&gt;&quot;d&#39;");
  EXPECT_EQ(EscapeMarkup("plain t\xc3\xa9xt"), "plain t\xc3\xa9xt");  // UTF-8 untouched
  EXPECT_EQ(EscapeMarkup(""), "");
}

TEST(Sha1, MatchesTheStandardDigests) {
  EXPECT_EQ(Sha1Hex(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(Sha1Hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(Sha1Hex(std::string(55, 'a')), "c1c8bbdc22796e28c0e15163d20899b65621d65a");
  EXPECT_EQ(Sha1Hex(std::string(56, 'a')), "c2db330f6083854c99d4b5bfb6e8f29f201be699");
  EXPECT_EQ(Sha1Hex(std::string(64, 'a')), "0098ba824b5c16427bd7a1122a5a442a25ec644d");
  EXPECT_EQ(Sha1Hex(std::string(119, 'a')), "ee971065aaa017e0632a8ca6c77bb3bf8b1dfc56");
  EXPECT_EQ(Sha1Hex(std::string(1000000, 'a')), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
  EXPECT_EQ(Sha1Hex("bed/0a7c2a8d"), "ffb5dd7c3698a1ae5e891c26d4f16f799f4c1d39");
}

}  // namespace
}  // namespace earshot

namespace earshot {
namespace {

TEST(TomlTable, OneTableOfADocumentAndOneString) {
  const std::string doc = "name = \"r\"\n[data]\nroot = \"d\"\nfolds = 3\n[train.loss]\nname = \"bce\"\n";
  const std::string data = TomlTable(doc, "data", "doc");
  EXPECT_EQ(TomlString(data, "root", "", "data"), "d") << data;
  EXPECT_NE(data.find("folds = 3"), std::string::npos) << data;
  EXPECT_EQ(data.find("name"), std::string::npos) << data;
  EXPECT_EQ(TomlTable(doc, "store", "doc"), "");
  EXPECT_EQ(TomlString(doc, "train.loss.name", "cross_entropy", "doc"), "bce");
  EXPECT_EQ(TomlString(doc, "train.optimizer.name", "adam", "doc"), "adam");
  try {
    TomlTable("[data", "data", "broken.toml");
    FAIL() << "invalid TOML accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("broken.toml"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace earshot
