// `earshot synth`: the command prints the summary of what it made, and
// refuses a folder that holds other files.
#include <gtest/gtest.h>

#include <filesystem>

#include "../run_earshot.h"
#include "../temp_dir.h"
#include "earshot/util/files.h"

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

TEST(SynthCli, RefusesAFolderHoldingOtherFiles) {
  const fs::path dir = testing::FreshDir();
  WriteFileAtomic((dir / "thesis.tex").string(), "years of work");
  const testing::CommandResult r = testing::RunEarshot("synth keywords " + dir.string() + " --speakers 1 --words yes");
  EXPECT_NE(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("not empty (1 entry: thesis.tex)"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir / "yes"));
}

}  // namespace
}  // namespace earshot
