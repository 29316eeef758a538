// A data set whose files change between the listing (ReadDataset) and the
// decoding (LoadClips): a clip deleted or rewritten in between is a bad
// file named with its reason, never a crash or a silently shorter run.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "data_fixtures.h"
#include "earshot/data/load_clips.h"
#include "earshot/data/readers.h"
#include "earshot/util/error.h"

namespace earshot {
namespace {

using testing_data::WriteClip;
using testing_data::WriteText;

TEST(DataChangedAfterListing, DeletedOrRewrittenClipsAreNamed) {
  const auto root = testing::FreshDir();
  for (const char* word : {"yes", "no"}) {
    for (int i = 0; i < 4; ++i) {
      WriteClip(root / word / ("0000000" + std::to_string(i) + "_nohash_0.wav"));
    }
  }
  DataOptions o;
  o.layout = "speech_commands";
  o.root = root.string();
  o.split = "none";
  const Dataset ds = ReadDataset(o);
  ASSERT_EQ(ds.clips.size(), 8u);
  const std::string deleted = (root / "yes" / "00000001_nohash_0.wav").string();
  const std::string rewritten = (root / "no" / "00000002_nohash_0.wav").string();
  std::filesystem::remove(deleted);
  WriteText(rewritten, "RIFF, cut short");

  StoreOptions fail;
  fail.on_bad_file = "fail";
  try {
    LoadClips(ds, 16000, fail);
    FAIL() << "changed files went unnoticed";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_EQ(e.kind(), ErrorKind::kBadData);
    EXPECT_NE(what.find(deleted), std::string::npos) << what;
    EXPECT_NE(what.find(rewritten), std::string::npos) << what;
  }
  StoreOptions skip;
  skip.max_bad_fraction = 0.5;
  const LoadedClips loaded = LoadClips(ds, 16000, skip);
  ASSERT_EQ(loaded.bad.bad.size(), 2u);
  EXPECT_EQ(loaded.clips.NumClips(), 6);
  const std::string summary = loaded.bad.Summary();
  EXPECT_NE(summary.find(deleted), std::string::npos) << summary;
  EXPECT_NE(summary.find(rewritten), std::string::npos) << summary;
  // The default share of bad files (5%) stops the load, naming them too.
  try {
    LoadClips(ds, 16000, StoreOptions{});
    FAIL() << "2 of 8 bad files were accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(deleted), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace earshot
