// The binary registers the commands of the parts it was built with, and
// only those (CMakeLists.txt: EARSHOT_WITH_TORCH, _SYNTH, _PLOTS).
#include <gtest/gtest.h>

#include <string>

#include "../run_earshot.h"

namespace earshot {
namespace {

TEST(Parts, HelpListsTheCommandsOfTheBuiltParts) {
  const testing::CommandResult help = testing::RunEarshot("--help");
  ASSERT_EQ(help.status, 0) << help.output;
  auto listed = [&](const std::string& command) {
    // CLI11 lists each subcommand on a line of its own, indented.
    return help.output.find("\n  " + command + " ") != std::string::npos;
  };
  EXPECT_TRUE(listed("features")) << help.output;
  EXPECT_TRUE(listed("inspect")) << help.output;
  EXPECT_EQ(listed("report"), testing::kWithPlots) << help.output;
  EXPECT_EQ(listed("synth"), testing::kWithSynth) << help.output;
  for (const char* command : {"train", "eval", "predict", "serve"}) {
    EXPECT_EQ(listed(command), testing::kWithTorch) << command << "\n" << help.output;
  }
}

TEST(Parts, ACommandOfAPartNotBuiltIsRefused) {
  if (testing::kWithTorch) GTEST_SKIP() << "built with every command this test refuses";
  const testing::CommandResult r = testing::RunEarshot("train recipe.toml");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("error: 'train' is not in this build of earshot; configure with "
                          "-DEARSHOT_WITH_TORCH=ON"),
            std::string::npos)
      << r.output;
}

}  // namespace
}  // namespace earshot
