// Each layout read from a small tree written at test time.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <limits>
#include <map>

#include "data_fixtures.h"
#include "earshot/data/readers.h"
#include "earshot/data/splits.h"
#include "earshot/data/summary.h"
#include "earshot/util/error.h"
#include "earshot/util/npy.h"
#include "earshot/util/npz.h"
#include "../npy_header.h"

namespace earshot {
namespace {

namespace fs = std::filesystem;
using testing_data::FreshDir;
using testing_data::WriteClip;
using testing_data::WriteText;

std::string Speaker(int i) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%08x", static_cast<unsigned>(i * 2654435761u));
  return buf;
}

// words x speakers one-word clips, two noise recordings, a README.
fs::path SpeechCommandsTree(const std::vector<std::string>& words, int speakers) {
  fs::path root = FreshDir() / "sc";
  for (const auto& w : words) {
    for (int s = 0; s < speakers; ++s) WriteClip(root / w / (Speaker(s) + "_nohash_0.wav"));
  }
  WriteClip(root / "_background_noise_" / "white_noise.wav", 16000, 1600);
  WriteClip(root / "_background_noise_" / "pink_noise.wav", 16000, 1600);
  WriteText(root / "README.md", "not a word\n");
  return root;
}

std::string ErrorOf(const DataOptions& o) {
  try {
    ReadDataset(o);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(DataReaders, SpeechCommandsEveryFolderAClassByHash) {
  fs::path root = SpeechCommandsTree({"yes", "no", "cat"}, 10);
  DataOptions o;
  o.root = root.string();
  Dataset ds = ReadDataset(o);
  EXPECT_EQ(ds.layout, "speech_commands");
  EXPECT_EQ(ds.classes, (std::vector<std::string>{"cat", "no", "yes"}));
  EXPECT_EQ(ds.clips.size(), 30u);
  EXPECT_EQ(ds.noise_files.size(), 2u);
  EXPECT_EQ(ds.clips[0].id, "cat/" + Speaker(0) + "_nohash_0.wav");
  EXPECT_EQ(ds.clips[0].speaker, Speaker(0));
  for (const auto& c : ds.clips) {
    EXPECT_EQ(c.split, HashSplit(fs::path(c.path).filename().string(), 10, 10)) << c.id;
  }
}

TEST(DataReaders, WantedWordsAddSilenceAndUnknownPerSplit) {
  fs::path root = SpeechCommandsTree({"yes", "no", "cat", "dog", "bed"}, 40);
  DataOptions o;
  o.root = root.string();
  o.wanted_words = {"yes", "no"};
  o.unknown_percentage = 25;
  o.silence_percentage = 10;
  Dataset ds = ReadDataset(o);
  EXPECT_EQ(ds.classes, (std::vector<std::string>{"_silence_", "_unknown_", "yes", "no"}));
  EXPECT_EQ(ds.silence_class, 0);
  EXPECT_EQ(ds.unknown_class, 1);
  // What TensorFlow's prepare_data_index would pick, split by split.
  std::map<Split, int> wanted, others;
  for (int s = 0; s < 40; ++s) {
    Split sp = HashSplit(Speaker(s) + "_nohash_0.wav", 10, 10);
    wanted[sp] += 2;
    others[sp] += 3;
  }
  std::map<Split, std::array<int, 4>> got;
  for (const auto& c : ds.clips) {
    ++got[c.split][static_cast<size_t>(c.label)];
    EXPECT_EQ(c.silence, c.label == 0);
    EXPECT_EQ(c.path.empty(), c.silence);
  }
  for (auto [sp, n] : wanted) {
    EXPECT_EQ(got[sp][0], static_cast<int>(std::ceil(n * 10 / 100.0))) << SplitName(sp);
    EXPECT_EQ(got[sp][1], std::min(others[sp], static_cast<int>(std::ceil(n * 25 / 100.0))))
        << SplitName(sp);
    EXPECT_EQ(got[sp][2] + got[sp][3], n);
  }
  // The same options pick the same unknown clips; another seed others.
  Dataset again = ReadDataset(o);
  ASSERT_EQ(again.clips.size(), ds.clips.size());
  for (size_t i = 0; i < ds.clips.size(); ++i) EXPECT_EQ(again.clips[i].id, ds.clips[i].id);
  o.seed = 2;
  Dataset reseeded = ReadDataset(o);
  bool differ = false;
  for (size_t i = 0; i < ds.clips.size(); ++i) differ |= reseeded.clips[i].id != ds.clips[i].id;
  EXPECT_TRUE(differ);
  // The seed 001 order, given explicitly.
  o.classes = {"yes", "no", "_unknown_", "_silence_"};
  Dataset ordered = ReadDataset(o);
  EXPECT_EQ(ordered.silence_class, 3);
  EXPECT_EQ(ordered.unknown_class, 2);
  o.wanted_words = {"yes", "tree"};
  o.classes.clear();
  EXPECT_NE(ErrorOf(o).find("--data.wanted_words names 'tree'"), std::string::npos) << ErrorOf(o);
  // Above 100 (a wake word's many near misses): more unknown than wanted
  // clips, at most every unknown clip there is.
  o.wanted_words = {"yes"};
  o.seed = 1;
  for (double pct : {250.0, 10000.0}) {
    o.unknown_percentage = pct;
    std::map<Split, std::array<int, 4>> n;
    for (const auto& c : ReadDataset(o).clips) ++n[c.split][static_cast<size_t>(c.label)];
    for (auto [sp, w] : wanted) {
      const int yes = w / 2, pool = others[sp] + w / 2;  // no, cat, dog, bed are unknown
      EXPECT_EQ(n[sp][2], yes) << SplitName(sp);
      EXPECT_EQ(n[sp][1], std::min(pool, static_cast<int>(std::ceil(yes * pct / 100.0)))) << SplitName(sp);
    }
  }
  o.unknown_percentage = 10001;
  EXPECT_NE(ErrorOf(o).find("unknown_percentage"), std::string::npos) << ErrorOf(o);
}

TEST(DataReaders, SpeechCommandsListsAndRecordedSplit) {
  fs::path root = SpeechCommandsTree({"yes", "no"}, 4);
  WriteText(root / "validation_list.txt",
            "yes/" + Speaker(0) + "_nohash_0.wav\r\nno/" + Speaker(1) + "_nohash_0.wav\n");
  WriteText(root / "testing_list.txt", "yes/" + Speaker(2) + "_nohash_0.wav\nbird/x_nohash_0.wav\n");
  DataOptions o;
  o.root = root.string();
  Dataset ds = ReadDataset(o);
  LabelSummary s = Summarize(ds);
  EXPECT_EQ(s.split_clips[static_cast<size_t>(Split::kValidation)], 2);
  EXPECT_EQ(s.split_clips[static_cast<size_t>(Split::kTest)], 1);
  EXPECT_EQ(s.split_clips[static_cast<size_t>(Split::kTrain)], 5);
  ASSERT_EQ(ds.notes.size(), 1u);  // bird/ is not here
  EXPECT_NE(ds.notes[0].find("1 entries name folders that are not here"), std::string::npos);

  // A run's split file reproduces the run, though a clip was added since.
  const std::string split = (root.parent_path() / "split.csv").string();
  SaveSplit(ds, split);
  WriteClip(root / "yes" / "ffffffff_nohash_0.wav");
  o.split = "file";
  o.split_file = split;
  Dataset again = ReadDataset(o);
  ASSERT_EQ(again.clips.size(), ds.clips.size());
  for (size_t i = 0; i < ds.clips.size(); ++i) EXPECT_EQ(again.clips[i].split, ds.clips[i].split);

  WriteText(root / "testing_list.txt", "yes/missing_nohash_0.wav\n");
  o.split = "auto";
  EXPECT_NE(ErrorOf(o).find("testing_list.txt line 1: 'yes/missing_nohash_0.wav' is not a clip"),
            std::string::npos)
      << ErrorOf(o);
}

// Empty lists would leave validation or test empty without a word: the
// automatic rule falls back to the hash rule and says so; --split=lists is
// refused, naming the files.
TEST(DataReaders, EmptySpeechCommandsListsAreNotSilent) {
  fs::path root = SpeechCommandsTree({"yes", "no", "cat"}, 20);
  WriteText(root / "validation_list.txt", "");
  WriteText(root / "testing_list.txt", "\n");
  DataOptions o;
  o.root = root.string();
  Dataset ds = ReadDataset(o);
  ASSERT_EQ(ds.notes.size(), 1u);
  EXPECT_NE(ds.notes[0].find("validation_list.txt and " + (root / "testing_list.txt").string() +
                             " list no clip of the data set: split by the hash rule"),
            std::string::npos)
      << ds.notes[0];
  for (const auto& c : ds.clips) {
    EXPECT_EQ(c.split, HashSplit(fs::path(c.path).filename().string(), 10, 10)) << c.id;
  }
  LabelSummary s = Summarize(ds);
  EXPECT_GT(s.split_clips[static_cast<size_t>(Split::kValidation)], 0);
  EXPECT_GT(s.split_clips[static_cast<size_t>(Split::kTest)], 0);

  // One empty list is enough to fall back; an explicit rule is refused.
  WriteText(root / "testing_list.txt", "yes/" + Speaker(2) + "_nohash_0.wav\n");
  ds = ReadDataset(o);
  ASSERT_EQ(ds.notes.size(), 1u);
  EXPECT_NE(ds.notes[0].find("validation_list.txt lists no clip"), std::string::npos) << ds.notes[0];
  o.split = "lists";
  EXPECT_NE(ErrorOf(o).find((root / "validation_list.txt").string() +
                            " lists no clip of the data set (--split=lists)"),
            std::string::npos)
      << ErrorOf(o);
}

TEST(DataReaders, KeepAndLimit) {
  fs::path root = SpeechCommandsTree({"yes", "no", "cat"}, 6);
  DataOptions o;
  o.root = root.string();
  o.keep = {"yes", "no"};
  o.max_per_class = 4;
  o.split = "stratified";
  o.validation_fraction = 0.25;
  Dataset ds = ReadDataset(o);
  EXPECT_EQ(ds.classes, (std::vector<std::string>{"yes", "no"}));
  LabelSummary s = Summarize(ds);
  EXPECT_EQ(s.classes[0].clips, 4);
  EXPECT_EQ(s.classes[1].clips, 4);
  EXPECT_EQ(s.classes[0].split_clips[static_cast<size_t>(Split::kValidation)], 1);
  o.keep = {"yes", "tree"};
  EXPECT_NE(ErrorOf(o).find("--data.keep names 'tree', which is not a class"), std::string::npos);
}

TEST(DataReaders, FreesoundCsvWithVerifiedAndTestList) {
  fs::path root = FreshDir();
  WriteText(root / "train.csv",
            "fname,label,manually_verified\n"
            "a.wav,Bark,1\nb.wav,Bark,0\nc.wav,Hi-hat,1\n\"d,1.wav\",Hi-hat,0\ne.wav,Bark,1\n");
  WriteText(root / "sample_submission.csv", "fname,label\nt1.wav,Bark Hi-hat\nt2.wav,Bark\n");
  DataOptions o;
  o.root = root.string();
  o.split = "none";
  Dataset ds = ReadDataset(o);
  EXPECT_EQ(ds.layout, "csv");
  EXPECT_EQ(ds.classes, (std::vector<std::string>{"Bark", "Hi-hat"}));
  ASSERT_EQ(ds.clips.size(), 5u);
  EXPECT_EQ(ds.clips[3].path, (root / "audio_train" / "d,1.wav").string());
  LabelSummary s = Summarize(ds);
  EXPECT_EQ(s.classes[0].verified, 2);
  EXPECT_EQ(s.classes[0].unverified, 1);
  EXPECT_EQ(s.classes[1].verified, 1);
  EXPECT_EQ(s.classes[1].unverified, 1);

  o.verified_only = true;
  EXPECT_EQ(ReadDataset(o).clips.size(), 3u);

  o.test_csv = "sample_submission.csv";
  Dataset test = ReadTestSet(o);
  ASSERT_EQ(test.clips.size(), 2u);
  EXPECT_EQ(test.clips[1].path, (root / "audio_test" / "t2.wav").string());
  EXPECT_EQ(test.clips[1].label, -1);

  WriteText(root / "train.csv", "fname,label,manually_verified\na.wav,Bark,yes\n");
  EXPECT_NE(ErrorOf(o).find("train.csv row 1 (line 2), column manually_verified: 'yes'"),
            std::string::npos)
      << ErrorOf(o);
  WriteText(root / "train.csv", "fname,label\na.wav,Bark\na.wav,Bark\n");
  EXPECT_NE(ErrorOf(o).find("row 2 (line 3): id 'a.wav' appears twice"), std::string::npos);
  // A label in Latin-1 (a spreadsheet's export): class names go into JSON
  // (data.json, bundles), which takes UTF-8 only; refused with the row.
  WriteText(root / "train.csv", "fname,label\na.wav,Caf\xe9\n");
  EXPECT_NE(ErrorOf(o).find("train.csv row 1 (line 2), column label: the label is not UTF-8 text"),
            std::string::npos)
      << ErrorOf(o);
}

TEST(DataReaders, SoftLabelsAndTheirErrors) {
  fs::path root = FreshDir();
  WriteText(root / "train_answer.csv", "id,a,b,c\n0,0.5,0.5,0\n1,0,0.25,0.75\n2,1,0,0\n");
  DataOptions o;
  o.root = root.string();
  Dataset ds = ReadDataset(o);
  EXPECT_EQ(ds.layout, "soft_csv");
  EXPECT_TRUE(ds.soft_labels);
  EXPECT_EQ(ds.classes, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(ds.clips[1].path, (root / "train" / "1.wav").string());
  EXPECT_EQ(ds.clips[1].soft, (std::vector<float>{0, 0.25f, 0.75f}));
  EXPECT_EQ(ds.clips[1].label, -1);
  LabelSummary s = Summarize(ds);
  EXPECT_DOUBLE_EQ(s.classes[0].mass, 1.5);
  EXPECT_DOUBLE_EQ(s.classes[2].mass, 0.75);

  const std::pair<const char*, const char*> bad[] = {
      {"id,a,b\n0,0.5,0.5\n1,-0.5,1.5\n", "row 2 (line 3), column a: -0.5 is negative"},
      {"id,a,b\n0,nan,1\n", "row 1 (line 2), column a: nan is not a share"},
      {"id,a,b\n0,0.5,half\n", "row 1 (line 2), column b: 'half' is not a number"},
      {"id,a,b\n0,0.5,0.49\n", "row 1 (line 2): the shares sum to 0.99, not 1"},
      {"id,a,b\n0,0.5,0.5\n1,1\n", "row 2 (line 3): 2 fields, the header has 3"},
  };
  for (auto [text, want] : bad) {
    WriteText(root / "train_answer.csv", text);
    std::string got = ErrorOf(o);
    EXPECT_NE(got.find(want), std::string::npos) << got;
    EXPECT_NE(got.find("train_answer.csv"), std::string::npos) << got;
  }
  WriteText(root / "train_answer.csv", "id,a,\xe9t\xe9\n0,0.5,0.5\n");
  EXPECT_NE(ErrorOf(o).find("train_answer.csv: column 3 of the header is not UTF-8 text"),
            std::string::npos)
      << ErrorOf(o);
  // A NUL byte inside a share ended the number there: "0.5\0x" read as 0.5.
  WriteText(root / "train_answer.csv", std::string("id,a,b\n0,0.5\0x,0.5\n", 19));
  // (what() ends at the NUL: the message is checked up to it.)
  EXPECT_NE(ErrorOf(o).find("row 1 (line 2), column a: '0.5"), std::string::npos) << ErrorOf(o);
}

TEST(DataReaders, NpzClipsAndLabels) {
  fs::path root = FreshDir();
  const int rows = 6, width = 8;
  std::vector<float> x(rows * width);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i) / 100.f;
  const std::vector<std::string> labels{"yes", "no", "silence", "yes", "unknown", "no"};
  WriteNpz((root / "speech_wav_8000.npz").string(),
           {{"wav_vals", EncodeNpy({rows, width}, x.data())},
            {"label_vals", EncodeNpyStrings({rows, 1}, labels)}});
  DataOptions o;
  o.root = root.string();
  o.classes = {"yes", "no", "unknown", "silence"};
  o.split = "none";
  Dataset ds = ReadDataset(o);
  EXPECT_EQ(ds.layout, "npz");
  EXPECT_EQ(ds.classes, o.classes);
  EXPECT_EQ(ds.array_samples, width);
  EXPECT_EQ(ds.array_rate, 8000);
  ASSERT_EQ(ds.clips.size(), 6u);
  const int want[] = {0, 1, 3, 0, 2, 1};
  for (int r = 0; r < rows; ++r) {
    EXPECT_EQ(ds.clips[r].label, want[r]);
    EXPECT_EQ(ds.clips[r].array_row, r);
    EXPECT_FLOAT_EQ(ds.array[static_cast<size_t>(r * width + 1)], (r * width + 1) / 100.f);
  }
  o.classes = {"yes", "no"};
  EXPECT_NE(ErrorOf(o).find("--data.classes leaves out class"), std::string::npos);
  o.classes.clear();
  o.npz_labels = "labels";
  EXPECT_NE(ErrorOf(o).find("npz_labels"), std::string::npos) << ErrorOf(o);

  x[13] = std::numeric_limits<float>::quiet_NaN();
  WriteNpz((root / "speech_wav_8000.npz").string(),
           {{"wav_vals", EncodeNpy({rows, width}, x.data())},
            {"label_vals", EncodeNpyStrings({rows, 1}, labels)}});
  o.npz_labels = "label_vals";
  // Sample values are the loader's to judge, row by row (LoadClips): the
  // archive still reads.
  EXPECT_EQ(ReadDataset(o).clips.size(), 6u);

  // Byte-string labels ('|S') in Latin-1: class names go into JSON, which
  // takes UTF-8 only; refused with the row.
  WriteNpz((root / "speech_wav_8000.npz").string(),
           {{"wav_vals", EncodeNpy({rows, width}, x.data())},
            {"label_vals", testing::NpyWithHeader("{'descr': '|S4', 'fortran_order': False, 'shape': (6,), }",
                                                  std::string("yes\0no\0\0Caf\xe9yes\0no\0\0yes\0", 24))}});
  EXPECT_NE(ErrorOf(o).find("array 'label_vals' row 2: the label is not UTF-8 text"), std::string::npos)
      << ErrorOf(o);
}

TEST(DataReaders, UnlabeledFolderAndList) {
  fs::path root = FreshDir();
  WriteClip(root / "clips" / "b.wav");
  WriteClip(root / "clips" / "sub" / "a.WAV");
  WriteText(root / "clips" / "notes.txt", "x");
  WriteText(root / "clips" / ".hidden" / "c.wav", "x");
  DataOptions o;
  o.root = (root / "clips").string();
  o.layout = "folder";
  Dataset ds = ReadDataset(o);
  ASSERT_EQ(ds.clips.size(), 2u);
  EXPECT_EQ(ds.clips[0].id, "b.wav");
  EXPECT_EQ(ds.clips[1].id, "sub/a.WAV");
  EXPECT_EQ(ds.clips[1].split, Split::kNone);
  EXPECT_TRUE(ds.classes.empty());

  WriteText(root / "files.txt", "# to predict\nclips/b.wav\r\n\n/abs/x.wav\n");
  o.root = (root / "files.txt").string();
  o.layout = "auto";
  ds = ReadDataset(o);
  EXPECT_EQ(ds.layout, "list");
  ASSERT_EQ(ds.clips.size(), 2u);
  EXPECT_EQ(ds.clips[0].path, (root / "clips" / "b.wav").string());
  EXPECT_EQ(ds.clips[1].path, "/abs/x.wav");
  o.split = "stratified";
  EXPECT_NE(ErrorOf(o).find("--data.split=stratified needs labels"), std::string::npos);

  // An audio file given where a data set goes is named as such, and a list
  // that is not text is refused at its first bad line, not read as paths.
  o.split = "auto";
  o.root = (root / "clips" / "b.wav").string();
  EXPECT_EQ(ErrorOf(o), o.root + ": one audio file, not a data set; give a folder, a .csv, a .npz or a list "
                                 "file (one audio path per line)");
  WriteText(root / "binary.txt", std::string("clips/b.wav\nRIFF\0\0\xff\xfe\n", 21));
  o.root = (root / "binary.txt").string();
  EXPECT_EQ(ErrorOf(o), o.root + ": line 2 is not UTF-8 text (list layout: one audio path per line)");
}

TEST(DataReaders, OptionsAreValidated) {
  DataOptions o;
  o.root = "x";
  o.split = "kfold";
  o.folds = 5;
  o.fold = 5;
  EXPECT_EQ(ErrorOf(o), "--data.fold should be in [0, 4] (--data.folds 5). Given: 5");
  o.fold = 0;
  o.layout = "kaggle";
  EXPECT_NE(ErrorOf(o).find("--data.layout should be one of"), std::string::npos);
  o.layout = "auto";
  o.validation_fraction = 0.7;
  o.test_fraction = 0.3;
  EXPECT_NE(ErrorOf(o).find("--data.validation_fraction + --data.test_fraction should be < 1"),
            std::string::npos);
  o.test_fraction = 0;
  o.root = "/nonexistent/data";
  EXPECT_EQ(ErrorOf(o), "/nonexistent/data: no such file or folder");
}

}  // namespace
}  // namespace earshot
