// FrontEndOptions through every way in and out (TOML, JSON, --set), and the
// errors for unknown options and values that do not parse.
#include <gtest/gtest.h>

#include <cctype>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "../option_keys.h"
#include "../temp_dir.h"
#include "earshot/data/data_options.h"
#include "earshot/data/loader_options.h"
#include "earshot/data/store_options.h"
#include "earshot/features/frontend_options.h"
#ifdef EARSHOT_WITH_PLOTS
#include "earshot/report/run_report.h"
#endif
#include "earshot/util/error.h"
#include "earshot/util/option_checks.h"
#include "earshot/util/option_keys.h"

namespace earshot {
namespace {

// Every field away from its default.
FrontEndOptions Unusual() {
  FrontEndOptions o;
  o.sample_rate = 8000;
  o.feature = "mfcc";
  o.n_fft = 258;
  o.win_length = 200;
  o.hop_length = 64;
  o.window = "hamming";
  o.periodic = false;
  o.center = false;
  o.pad_mode = "constant";
  o.framing = "tf";
  o.power = 1.0;
  o.n_mels = 33;
  o.f_min = 20.5;
  o.f_max = 3999.25;
  o.mel_scale = "slaney";
  o.mel_norm = "slaney";
  o.scale = "db";
  o.log_offset = 0.01;
  o.db_ref = "max";
  o.amin = 1e-5;
  o.top_db = 80.0;
  o.n_mfcc = 13;
  o.multi_n_fft = {256, 512};
  o.multi_win_length = {200, 400};
  o.waveform_norm = "minmax";
  return o;
}

std::string MessageOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Options, TomlRoundTrip) {
  const FrontEndOptions a = Unusual();
  FrontEndOptions b;
  LoadTomlString(b, ToToml(a), "round-trip.toml");
  EXPECT_EQ(ToJson(b), ToJson(a));
  EXPECT_EQ(b.f_max, 3999.25);
  EXPECT_EQ(b.multi_win_length, (std::vector<int>{200, 400}));
  EXPECT_FALSE(b.periodic);
}

TEST(Options, JsonRoundTrip) {
  const FrontEndOptions a = Unusual();
  FrontEndOptions b;
  LoadJson(b, ToJson(a), "bundle.json");
  EXPECT_EQ(ToJson(b), ToJson(a));
  EXPECT_EQ(b.amin, 1e-5);
  EXPECT_EQ(b.n_mels, 33);
}

TEST(Options, SetRoundTrip) {
  FrontEndOptions b;
  for (const char* s :
       {"sample_rate=8000", "feature=mfcc", "n_fft=258", "win_length=200", "hop_length=64",
        "window=hamming", "periodic=false", "center=off", "pad_mode=constant", "framing=tf",
        "power=1", "n_mels=33", "f_min=20.5", "f_max=3999.25", "mel_scale=slaney",
        "mel_norm=slaney", "scale=db", "log_offset=0.01", "db_ref=max", "amin=1e-5",
        "top_db=80", "n_mfcc=13", "multi_n_fft=256,512", "multi_win_length=200,400",
        "waveform_norm=minmax"}) {
    ApplySetting(b, s);
  }
  EXPECT_EQ(ToJson(b), ToJson(Unusual()));
  // An empty list clears the stacked resolutions.
  ApplySetting(b, "multi_n_fft=");
  EXPECT_TRUE(b.multi_n_fft.empty());
}

TEST(Options, ToStringListsEveryField) {
  const std::string s = ToString(Unusual());
  for (const char* line : {"n_fft = 258\n", "window = \"hamming\"\n", "periodic = false\n",
                           "f_max = 3999.25\n", "multi_n_fft = [256, 512]\n"}) {
    EXPECT_NE(s.find(line), std::string::npos) << line << " not in\n" << s;
  }
  EXPECT_EQ(ListOptions(FrontEndOptions()).size(), 25u);
}

TEST(Options, RecipeTableIsRead) {
  FrontEndOptions o;
  const std::string path = (testing::ScratchDir("options") / "options_recipe.toml").string();
  {
    std::FILE* f = std::fopen(path.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("[model]\nname = \"cnn\"\n\n[features]\nn_mels = 64\nmel_scale = \"slaney\"\n", f);
    std::fclose(f);
  }
  LoadTomlFile(o, path, "features");
  EXPECT_EQ(o.n_mels, 64);
  EXPECT_EQ(o.mel_scale, "slaney");
  EXPECT_EQ(o.n_fft, 512);  // untouched
}

TEST(Options, UnknownOptionsAreErrorsThatListTheKnownOnes) {
  FrontEndOptions o;
  std::string m = MessageOf([&] { ApplySetting(o, "n_mel=64"); });
  EXPECT_NE(m.find("unknown option '--n_mel'; did you mean '--n_mels'?"), std::string::npos) << m;

  m = MessageOf([&] { LoadTomlString(o, "n_mels = 64\nhop = 10\n", "recipe.toml"); });
  EXPECT_NE(m.find("recipe.toml"), std::string::npos) << m;
  EXPECT_NE(m.find("unknown option 'hop'"), std::string::npos) << m;

  m = MessageOf([&] { LoadJson(o, R"({"n_ffts": 512})", "bundle.json"); });
  EXPECT_NE(m.find("bundle.json"), std::string::npos) << m;
  EXPECT_NE(m.find("'n_ffts'"), std::string::npos) << m;
}

TEST(Options, ValuesThatDoNotParseNameTheOptionAndTheValue) {
  FrontEndOptions o;
  struct Case {
    std::function<void()> f;
    std::vector<const char*> words;
  };
  const std::vector<Case> cases = {
      {[&] { ApplySetting(o, "n_fft=abc"); }, {"n_fft", "integer", "'abc'"}},
      {[&] { ApplySetting(o, "n_fft=512.5"); }, {"n_fft", "'512.5'"}},
      {[&] { ApplySetting(o, "center=maybe"); }, {"center", "true or false", "'maybe'"}},
      {[&] { ApplySetting(o, "f_min=x1"); }, {"f_min", "number", "'x1'"}},
      {[&] { ApplySetting(o, "multi_n_fft=256,x"); }, {"multi_n_fft", "integer"}},
      {[&] { ApplySetting(o, "n_mels"); }, {"key=value", "'n_mels'"}},
      {[&] { LoadTomlString(o, "n_fft = \"512\"\n", "r.toml"); }, {"r.toml", "n_fft", "integer"}},
      // Beyond int: refused, where it used to wrap (2^32 + 512 read as 512).
      {[&] { LoadTomlString(o, "n_fft = 4294967808\n", "r.toml"); }, {"r.toml", "n_fft", "integer", "4294967808"}},
      {[&] { LoadJson(o, R"({"n_fft": -4294966784})", "b.json"); }, {"b.json", "n_fft", "integer"}},
      {[&] { LoadJson(o, R"({"multi_n_fft": [256, 18446744073709551615]})", "b.json"); }, {"multi_n_fft", "integer"}},
      // Not UTF-8 (the recipe fuzzer's input: a byte 0x98 in a --set value):
      // refused, where ToToml and ToJson then threw nlohmann's type_error.
      {[&] { ApplySetting(o, "window=ha\x98nn"); }, {"--set window", "UTF-8 text", "ha\xEF\xBF\xBDnn"}},
      {[&] { DataOptions d; ApplySetting(d, "wanted_words=yes, n\x98o"); }, {"--set wanted_words", "UTF-8 text"}},
      {[&] { LoadTomlString(o, "n_fft = = 3\n", "r.toml"); }, {"r.toml:1", "not valid TOML"}},
      {[&] { LoadJson(o, R"({"center": 1})", "b.json"); }, {"b.json", "center", "true or false"}},
      {[&] { LoadJson(o, "{", "b.json"); }, {"b.json", "not valid JSON"}},
  };
  for (const auto& c : cases) {
    const std::string m = MessageOf(c.f);
    ASSERT_FALSE(m.empty());
    for (const char* w : c.words) EXPECT_NE(m.find(w), std::string::npos) << w << " not in: " << m;
  }
}


// One --set parser for every command: TOML values, trimmed lists, the
// group's name given or not.
TEST(Options, SetReadsTomlValuesAndTrimmedLists) {
  DataOptions d;
  ApplySetting(d, R"(wanted_words=["yes", "no"])", "data");
  EXPECT_EQ(d.wanted_words, (std::vector<std::string>{"yes", "no"}));
  ApplySetting(d, "data.wanted_words = up, down ,left", "data");
  EXPECT_EQ(d.wanted_words, (std::vector<std::string>{"up", "down", "left"}));
  ApplySetting(d, R"(wanted_words="a,b")", "data");  // a quoted TOML string is one name
  EXPECT_EQ(d.wanted_words, (std::vector<std::string>{"a,b"}));
  ApplySetting(d, "wanted_words=", "data");
  EXPECT_TRUE(d.wanted_words.empty());
  ApplySetting(d, "root=true", "data");  // a string field takes the text
  EXPECT_EQ(d.root, "true");
  ApplySetting(d, R"(root="my data")", "data");
  EXPECT_EQ(d.root, "my data");

  FrontEndOptions f;
  ApplySetting(f, "features.n_mels = 64", "features");
  ApplySetting(f, "multi_n_fft=[256, 512]", "features");
  ApplySetting(f, "multi_win_length=200 , 400", "features");
  ApplySetting(f, "center=false", "features");
  ApplySetting(f, "f_min=1e1", "features");
  EXPECT_EQ(f.n_mels, 64);
  EXPECT_EQ(f.multi_n_fft, (std::vector<int>{256, 512}));
  EXPECT_EQ(f.multi_win_length, (std::vector<int>{200, 400}));
  EXPECT_FALSE(f.center);
  EXPECT_EQ(f.f_min, 10.0);

  // Messages name the key as --set takes it, with the group, and the closest
  // known key.
  std::string m = MessageOf([&] { ApplySetting(f, "n_mel=64", "features"); });
  EXPECT_NE(m.find("unknown option '--features.n_mel'; did you mean '--features.n_mels'?"),
            std::string::npos) << m;
  m = MessageOf([&] { ApplySetting(f, "features.n_mels=sixty", "features"); });
  EXPECT_EQ(m, "--features.n_mels should be an integer. Given: 'sixty'");
  m = MessageOf([&] { ApplySetting(f, "multi_n_fft=[256, \"x\"]", "features"); });
  EXPECT_NE(m.find("--features.multi_n_fft should be an integer"), std::string::npos) << m;
  m = MessageOf([&] { ApplySetting(f, "n_mels=99999999999", "features"); });
  EXPECT_NE(m.find("should be an integer"), std::string::npos) << m;
}

TEST(Options, ValidationNamesTheDottedKey) {
  FrontEndOptions f;
  f.n_fft = 400;  // win_length 0 follows n_fft: no complaint about a window never given
  EXPECT_NO_THROW(ValidateOptions(f, "features"));
  EXPECT_EQ(f.Resolutions().front(), std::make_pair(400, 400));
  f.win_length = 600;
  EXPECT_EQ(MessageOf([&] { ValidateOptions(f, "features"); }),
            "--features.win_length should be <= --features.n_fft (400) or 0 (= n_fft). Given: 600");
  LoaderOptions l;
  l.augment.noise_frequency = 2;
  EXPECT_EQ(MessageOf([&] { ValidateOptions(l, "loader"); }),
            "--loader.augment.noise_frequency should be in [0, 1]. Given: 2");
  l = LoaderOptions();
  l.batch_size = 0;
  EXPECT_EQ(MessageOf([&] { ValidateOptions(l, "loader"); }),
            "--loader.batch_size should be in [1, 1048576]. Given: 0");
}

TEST(Options, NumbersPrintAsTheyWereWritten) {
  EXPECT_EQ(option_checks::Str(0.2), "0.2");
  EXPECT_EQ(option_checks::Str(1048576.0), "1048576");
  EXPECT_EQ(option_checks::Str(1e-5), "1e-05");
  LoaderOptions l;
  l.augment.noise_volume = 0.2;
  const std::string s = ToString(l);
  EXPECT_NE(s.find("augment.noise_volume = 0.2\n"), std::string::npos) << s;
  LoaderOptions back;
  LoadTomlString(back, ToToml(l), "round-trip.toml");
  EXPECT_EQ(back.augment.noise_volume, 0.2);
}

// Two tables, as a recipe has them, without the ML library.
struct RecipeLike : Options {
  LoaderOptions train;
  StoreOptions store;
  void Visit(OptionVisitor& v) override {
    v.Group("train", train, "");
    v.Group("store", store, "");
  }
};

TEST(Options, MisspeltTableSuggestsTheKnownOne) {
  LoaderOptions l;
  std::string m = MessageOf([&] { LoadTomlString(l, "[augmnet]\nshift_ms = 10\n", "r.toml"); });
  EXPECT_NE(m.find("r.toml: unknown option 'augmnet'; did you mean 'augment'?"), std::string::npos) << m;
  RecipeLike r;
  m = MessageOf([&] { LoadTomlString(r, "[trian]\nepochs = 1\n", "r.toml"); });
  EXPECT_NE(m.find("r.toml: unknown option 'trian'; did you mean 'train'?"), std::string::npos) << m;
  m = MessageOf([&] { LoadTomlString(r, "[zzzzzz]\nepochs = 1\n", "r.toml"); });
  EXPECT_EQ(m.find("did you mean"), std::string::npos) << m;
}

// A recipe that starts from another (`base`) and has no table of its own
// gives the base's table, not an error about its other keys.
TEST(Options, TableOfABaseRecipe) {
  const auto dir = testing::FreshDir();
  const auto write = [&](const std::string& name, const std::string& text) {
    std::FILE* f = std::fopen((dir / name).c_str(), "w");
    std::fputs(text.c_str(), f);
    std::fclose(f);
    return (dir / name).string();
  };
  write("base.toml", "name = \"full\"\n[data]\nroot = \"x\"\n[features]\nn_mels = 64\n");
  const std::string demo = write("demo.toml", "base = \"base.toml\"\nname = \"demo\"\n");
  FrontEndOptions f;
  LoadTomlFile(f, demo, "features");
  EXPECT_EQ(f.n_mels, 64);
  const std::string flat = write("flat.toml", "n_mels = 32\nhop_length = 80\n");
  LoadTomlFile(f, flat, "features");
  EXPECT_EQ(f.n_mels, 32);
  const std::string typo = write("typo.toml", "n_mels = 32\nhop_lenght = 80\n");
  EXPECT_NE(MessageOf([&] { LoadTomlFile(f, typo, "features"); }).find("'hop_lenght'"),
            std::string::npos);

  // Every recipe in configs/ gives its front end and data options this way.
  int recipes = 0;
  for (const auto& entry : std::filesystem::directory_iterator(EARSHOT_FIXTURES "/../../configs")) {
    FrontEndOptions fe;
    DataOptions d;
    EXPECT_NO_THROW(LoadTomlFile(fe, entry.path().string(), "features")) << entry.path();
    EXPECT_NO_THROW(LoadTomlFile(d, entry.path().string(), "data")) << entry.path();
    ++recipes;
  }
  EXPECT_GE(recipes, 10);
}

TEST(Options, RenameOptionKeysRenamesEachKeyAMessageNames) {
  const auto upper = [](const std::string& key) {
    std::string out = key;
    for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
  };
  EXPECT_EQ(RenameOptionKeys("--min_sources and --keywords.seed should differ; see --x.", upper),
            "--MIN_SOURCES and --KEYWORDS.SEED should differ; see --X.");
  EXPECT_EQ(RenameOptionKeys("-- alone, -x, x--", upper), "-- alone, -x, x--");
}

// Every message of every option struct names keys that --set accepts.
TEST(Options, EveryMessageNamesAKeySetAccepts) {
  FrontEndOptions f;
  DataOptions d;
  d.root = "x";
  LoaderOptions l;
  StoreOptions s;
  int messages = 0;
  messages += testing::CheckMessageKeys(f, "features");
  messages += testing::CheckMessageKeys(d, "data");
  messages += testing::CheckMessageKeys(l, "loader");
  messages += testing::CheckMessageKeys(s, "store");
#ifdef EARSHOT_WITH_PLOTS  // the report is part of the plots build
  messages += testing::CheckMessageKeys(report::ReportOptions(), "");
#endif
  EXPECT_GE(messages, 60);
}

}  // namespace
}  // namespace earshot
