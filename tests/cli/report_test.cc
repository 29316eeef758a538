// `earshot report` on the fake run of support/fake_run.h.
#include <gtest/gtest.h>

#include <filesystem>

#include "../run_earshot.h"
#include "../support/fake_run.h"
#include "../temp_dir.h"
#include "earshot/util/files.h"

namespace earshot {
namespace {

namespace fs = std::filesystem;

TEST(ReportCli, CommandWritesThePage) {
  const fs::path root = testing::FreshDir();
  testing::MakeFakeRun(root / "run", root / "data");
  const fs::path out = root / "pages" / "run.html";
  const testing::CommandResult r =
      testing::RunEarshot("report " + (root / "run").string() + " --out " + out.string() + " --mistakes 1",
                          testing::Capture::kStdout);
  ASSERT_EQ(r.status, 0) << r.output;
  const std::string page = ReadFile(out.string());
  size_t audio = 0;
  for (size_t at = page.find("<audio"); at != std::string::npos; at = page.find("<audio", at + 1)) ++audio;
  EXPECT_EQ(audio, 1u);
  EXPECT_NE(r.output.find("run.html"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace earshot
