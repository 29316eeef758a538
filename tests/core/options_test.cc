// FrontEndOptions through every way in and out (TOML, JSON, --set), and the
// errors for unknown options and values that do not parse.
#include <gtest/gtest.h>

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "earshot/features/frontend_options.h"
#include "earshot/util/error.h"

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
  const std::string path = ::testing::TempDir() + "options_recipe.toml";
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
  EXPECT_NE(m.find("unknown option 'n_mel'"), std::string::npos) << m;
  EXPECT_NE(m.find("n_mels"), std::string::npos) << m;

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

}  // namespace
}  // namespace earshot
