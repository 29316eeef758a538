// Split rules: TensorFlow's hash rule on known names, stratified splits,
// stratified k-fold, and split files.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>

#include "data_fixtures.h"
#include "earshot/data/splits.h"
#include "earshot/util/error.h"

namespace earshot {
namespace {

// Expected values from TensorFlow's rule, computed with:
//   python3 -c "import hashlib,re; M=2**27-1; n='NAME';
//     h=re.sub(r'_nohash_.*$','',n); m=int(hashlib.sha1(h.encode()).hexdigest(),16)%(M+1);
//     print(m, repr(m*(100.0/M)))"
struct HashCase {
  const char* name;
  double percentage;
  Split split;  // at validation 10, testing 10
};
const HashCase kHashCases[] = {
    {"0a7c2a8d_nohash_0.wav", 56.836387193474074, Split::kTrain},   // m = 76284507
    {"0a7c2a8d_nohash_1.wav", 56.836387193474074, Split::kTrain},   // same speaker
    {"bobby_nohash_0.wav", 94.1747873587518, Split::kTrain},
    {"004ae714_nohash_0.wav", 79.5748932627953, Split::kTrain},
    {"c1d39ce8_nohash_8.wav", 39.79899540393796, Split::kTrain},
    {"e0315cf6_nohash_1.wav", 24.44976586438541, Split::kTrain},
    {"a.wav", 56.5130297579842, Split::kTrain},                     // no _nohash_: whole name
    {"ab_nohash_cd_nohash_1.wav", 38.72163026572488, Split::kTrain},  // cut at the first
    {"00000000_nohash_0.wav", 9.555729549793373, Split::kValidation},
    {"9e3779b1_nohash_0.wav", 1.7013542480867672, Split::kValidation},
    {"2e2ac0ea_nohash_0.wav", 1.6260929526842605, Split::kValidation},
    {"be1e0823_nohash_0.wav", 16.829276955345847, Split::kTest},
    {"c6ef3620_nohash_0.wav", 14.580752064144253, Split::kTest},
    {"6526afd1_nohash_0.wav", 12.258681001206345, Split::kTest},
};

TEST(DataSplits, HashRuleMatchesTensorFlow) {
  for (const auto& c : kHashCases) {
    EXPECT_DOUBLE_EQ(HashPercentage(c.name), c.percentage) << c.name;
    EXPECT_EQ(HashSplit(c.name, 10, 10), c.split) << c.name;
    // Only the base name counts.
    EXPECT_EQ(HashPercentage(std::string("data/yes/") + c.name), c.percentage) << c.name;
  }
  // The boundaries follow the percentages: 9.56 validates at 10 but tests at 9 + 1.
  EXPECT_EQ(HashSplit("00000000_nohash_0.wav", 9, 1), Split::kTest);
  EXPECT_EQ(HashSplit("00000000_nohash_0.wav", 0, 0), Split::kTrain);
}

// n clips of each class size given, labels 0..k-1.
Dataset Labelled(const std::vector<int>& sizes) {
  Dataset ds;
  for (size_t c = 0; c < sizes.size(); ++c) {
    ds.classes.push_back("c" + std::to_string(c));
    for (int i = 0; i < sizes[c]; ++i) {
      ClipRef clip;
      clip.id = "c" + std::to_string(c) + "/" + std::to_string(i);
      clip.label = static_cast<int>(c);
      ds.clips.push_back(clip);
    }
  }
  return ds;
}

std::map<int, std::array<int, 4>> CountsBySplit(const Dataset& ds) {
  std::map<int, std::array<int, 4>> out;
  for (const auto& c : ds.clips) ++out[c.label][static_cast<size_t>(c.split)];
  return out;
}

TEST(DataSplits, StratifiedFractionsPerClass) {
  Dataset ds = Labelled({100, 41, 7, 1});
  StratifiedSplit(ds, 0.2, 0.1, 777);
  auto counts = CountsBySplit(ds);
  const int sizes[] = {100, 41, 7, 1};
  for (int c = 0; c < 4; ++c) {
    int test = static_cast<int>(std::llround(sizes[c] * 0.1));
    int val = static_cast<int>(std::llround(sizes[c] * 0.2));
    EXPECT_EQ(counts[c][static_cast<size_t>(Split::kTest)], test) << c;
    EXPECT_EQ(counts[c][static_cast<size_t>(Split::kValidation)], val) << c;
    EXPECT_EQ(counts[c][static_cast<size_t>(Split::kTrain)], sizes[c] - test - val) << c;
  }
}

TEST(DataSplits, StratifiedIsDeterministicAndSeeded) {
  Dataset a = Labelled({50, 30}), b = Labelled({50, 30}), c = Labelled({50, 30});
  StratifiedSplit(a, 0.2, 0.0, 6);
  StratifiedSplit(b, 0.2, 0.0, 6);
  StratifiedSplit(c, 0.2, 0.0, 7);
  int same = 0, differ = 0;
  for (size_t i = 0; i < a.clips.size(); ++i) {
    EXPECT_EQ(a.clips[i].split, b.clips[i].split);
    (a.clips[i].split == c.clips[i].split ? same : differ)++;
  }
  EXPECT_GT(differ, 0) << "another seed should pick other clips";
}

TEST(DataSplits, KFoldSpreadsEveryClassEvenly) {
  const std::vector<int> sizes{94, 300, 17, 3, 10};
  Dataset ds = Labelled(sizes);
  StratifiedKFold(ds, 10, 3, 777);
  EXPECT_EQ(ds.folds, 10);
  std::map<int, std::vector<int>> per_class;
  std::vector<int> fold_size(10, 0);
  for (const auto& c : ds.clips) {
    ASSERT_GE(c.fold, 0);
    ASSERT_LT(c.fold, 10);
    per_class[c.label].resize(10);
    ++per_class[c.label][static_cast<size_t>(c.fold)];
    ++fold_size[static_cast<size_t>(c.fold)];
    EXPECT_EQ(c.split, c.fold == 3 ? Split::kValidation : Split::kTrain);
  }
  for (auto& [label, counts] : per_class) {
    auto [lo, hi] = std::minmax_element(counts.begin(), counts.end());
    EXPECT_LE(*hi - *lo, 1) << "class " << label;
  }
  auto [lo, hi] = std::minmax_element(fold_size.begin(), fold_size.end());
  EXPECT_LE(*hi - *lo, 1);

  Dataset again = Labelled(sizes);
  StratifiedKFold(again, 10, 3, 777);
  for (size_t i = 0; i < ds.clips.size(); ++i) EXPECT_EQ(ds.clips[i].fold, again.clips[i].fold);

  UseFold(ds, 5);
  for (const auto& c : ds.clips) EXPECT_EQ(c.split, c.fold == 5 ? Split::kValidation : Split::kTrain);
  EXPECT_THROW(UseFold(ds, 10), Error);
}

TEST(DataSplits, KFoldHoldsOutTestFirst) {
  Dataset ds = Labelled({40, 20});
  StratifiedKFold(ds, 4, 0, 1, 0.25);
  auto counts = CountsBySplit(ds);
  EXPECT_EQ(counts[0][static_cast<size_t>(Split::kTest)], 10);
  EXPECT_EQ(counts[1][static_cast<size_t>(Split::kTest)], 5);
  for (const auto& c : ds.clips) EXPECT_EQ(c.fold < 0, c.split == Split::kTest);
}

TEST(DataSplits, SplitFileRoundTrip) {
  auto dir = testing_data::FreshDir();
  Dataset ds = Labelled({12, 8});
  ds.clips[0].id = "odd, \"name\".wav";
  StratifiedKFold(ds, 4, 1, 9);
  const std::string path = (dir / "split.csv").string();
  SaveSplit(ds, path);
  std::vector<SplitEntry> entries = LoadSplit(path);
  ASSERT_EQ(entries.size(), ds.clips.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    EXPECT_EQ(entries[i].id, ds.clips[i].id);
    EXPECT_EQ(entries[i].split, ds.clips[i].split);
    EXPECT_EQ(entries[i].fold, ds.clips[i].fold);
  }

  // Reapplied to a fresh read, with one clip more on disk and a silence row.
  Dataset fresh = Labelled({13, 8});
  entries.push_back({"_silence_/validation/0", Split::kValidation, -1});
  fresh.clips[0].id = "odd, \"name\".wav";
  ApplySplit(fresh, entries, path, "_silence_");
  EXPECT_EQ(fresh.clips.size(), ds.clips.size() + 1);
  EXPECT_EQ(fresh.folds, 4);
  EXPECT_TRUE(fresh.clips.back().silence);
  ASSERT_EQ(fresh.notes.size(), 1u);
  EXPECT_NE(fresh.notes[0].find("1 clips are not in the split file"), std::string::npos);

  entries.push_back({"stranger.wav", Split::kTrain, -1});
  Dataset other = Labelled({13, 8});
  EXPECT_THROW(ApplySplit(other, entries, path, "_silence_"), Error);
}

TEST(DataSplits, BadSplitFilesNameTheRow) {
  auto dir = testing_data::FreshDir();
  testing_data::WriteText(dir / "s.csv", "id,split\na,train\nb,trainingg\n");
  try {
    LoadSplit((dir / "s.csv").string());
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("s.csv row 2 (line 3), column split: unknown split 'trainingg'"),
              std::string::npos)
        << e.what();
  }
  testing_data::WriteText(dir / "d.csv", "id,split\na,train\na,test\n");
  EXPECT_THROW(LoadSplit((dir / "d.csv").string()), Error);
}

}  // namespace
}  // namespace earshot
