// Atomic writes under faults: a full disk (ENOSPC) and a process killed
// halfway through a write leave the previous file whole, and the error
// names the file and the reason. The faults come from the write path's
// test hook (SetWriteFaultForTesting, EARSHOT_FAULT).
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "earshot/util/error.h"
#include "earshot/util/files.h"
#include "../temp_dir.h"

namespace earshot {
namespace {

class WriteFaults : public ::testing::Test {
 protected:
  void TearDown() override { SetWriteFaultForTesting(""); }
};

TEST_F(WriteFaults, FullDiskNamesTheFileAndKeepsThePreviousOne) {
  const auto dir = testing::FreshDir();
  const std::string path = (dir / "checkpoint").string(), other = (dir / "log.csv").string();
  const std::string old_bytes(10000, 'a'), new_bytes(20000, 'b');
  WriteFileAtomic(path, old_bytes);
  // The second write to a path holding "checkpoint" fails; others pass.
  SetWriteFaultForTesting("enospc:2:checkpoint");
  WriteFileAtomic(path, old_bytes);
  WriteFileAtomic(other, "epoch\n");
  try {
    WriteFileAtomic(path, new_bytes);
    FAIL() << "the full disk went unnoticed";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kIo);
    const std::string what = e.what();
    EXPECT_EQ(what.rfind(path + ": cannot write: ", 0), 0u) << what;
    EXPECT_NE(what.find("No space left on device"), std::string::npos) << what;
  }
  EXPECT_EQ(ReadFile(path), old_bytes);
  EXPECT_FALSE(FileExists(path + ".tmp"));
  // The fault acts once: the next write goes through.
  WriteFileAtomic(path, new_bytes);
  EXPECT_EQ(ReadFile(path), new_bytes);
  // An empty file fails too.
  SetWriteFaultForTesting("enospc:1");
  EXPECT_THROW(WriteFileAtomic(path, ""), Error);
  EXPECT_EQ(ReadFile(path), new_bytes);
}

// Killed (SIGKILL) halfway through writing: the file holds the previous
// bytes, not half of the new ones. A write in place fails here.
TEST_F(WriteFaults, KilledMidWriteLeavesThePreviousFileWhole) {
  const auto dir = testing::FreshDir();
  const std::string path = (dir / "checkpoint").string();
  const std::string old_bytes(100000, 'a'), new_bytes(200000, 'b');
  WriteFileAtomic(path, old_bytes);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    SetWriteFaultForTesting("kill:1");
    WriteFileAtomic(path, new_bytes);
    ::_exit(3);  // not reached: the write killed the process
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "exit status " << status;
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
  EXPECT_EQ(ReadFile(path), old_bytes);
  // Half of the new bytes reached the temporary file, never the file itself.
  EXPECT_EQ(ReadFile(path + ".tmp"), std::string(100000, 'b'));
  WriteFileAtomic(path, new_bytes);
  EXPECT_EQ(ReadFile(path), new_bytes);
}

TEST_F(WriteFaults, AMalformedHookIsAnErrorNamingTheVariable) {
  for (const char* spec : {"enospc", "full:1", "kill:0", "kill:x:checkpoint"}) {
    try {
      SetWriteFaultForTesting(spec);
      ADD_FAILURE() << spec << " was accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("EARSHOT_FAULT: '" + std::string(spec) + "'"), std::string::npos)
          << e.what();
    }
  }
}

TEST_F(WriteFaults, AMissingFolderIsNamedWithTheSystemsReason) {
  try {
    WriteFileAtomic("/nonexistent/dir/x.bin", "x");
    FAIL() << "no error";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("/nonexistent/dir/x.bin: cannot write: cannot create /nonexistent/dir/x.bin.tmp", 0), 0u)
        << what;
    EXPECT_NE(what.find("No such file or directory"), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace earshot
