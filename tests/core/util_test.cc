#include <gtest/gtest.h>

#include <filesystem>

#include "earshot/util/error.h"
#include "earshot/util/files.h"
#include "earshot/util/progress.h"
#include "../temp_dir.h"

namespace earshot {
namespace {

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
