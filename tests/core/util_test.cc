#include <gtest/gtest.h>

#include <malloc.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "earshot/util/allocator.h"
#include "earshot/util/digest.h"
#include "earshot/util/error.h"
#include "earshot/util/files.h"
#include "earshot/util/progress.h"
#include "earshot/util/toml_table.h"
#include "../temp_dir.h"

namespace earshot {
namespace {

// A freed 8 MiB block stays in the heap for the next step instead of going
// back to the kernel: its bytes count as free heap memory afterwards, and
// nothing is mapped separately for it.
TEST(Allocator, FreedBlocksStayForReuse) {
  KeepFreedMemoryForReuse();
  constexpr size_t kBlock = 8 << 20;
  const size_t mapped_before = mallinfo2().hblkhd;
  char* block = static_cast<char*>(std::malloc(kBlock));
  ASSERT_NE(block, nullptr);
  std::memset(block, 1, kBlock);
  EXPECT_EQ(mallinfo2().hblkhd, mapped_before) << "the block was mapped on its own";
  std::free(block);
  EXPECT_GE(mallinfo2().fordblks, kBlock) << "the freed block left the heap";
}

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

namespace earshot {
namespace {

TEST(Digest, Sha256AndSha1OfKnownTexts) {
  Digest whole(Digest::Kind::kSha256);
  whole.Update("abc");
  EXPECT_EQ(whole.Hex(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Digest parts(Digest::Kind::kSha256);  // fed in parts, the same digest
  parts.Update("a");
  parts.Update("bc", 2);
  EXPECT_EQ(parts.Hex(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha1Hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_THROW(parts.Hex(), Error);
}

}  // namespace
}  // namespace earshot

namespace earshot {
namespace {

TEST(TomlTable, OneTableOfADocumentAndOneString) {
  const std::string doc = "name = \"r\"\n[data]\nroot = \"d\"\nfolds = 3\n[train.loss]\nname = \"bce\"\n";
  const std::string data = TomlTable(doc, "data", "doc");
  EXPECT_EQ(TomlString(data, "root", "", "data"), "d") << data;
  EXPECT_NE(data.find("folds = 3"), std::string::npos) << data;
  EXPECT_EQ(data.find("name"), std::string::npos) << data;
  EXPECT_EQ(TomlTable(doc, "store", "doc"), "");
  EXPECT_EQ(TomlString(doc, "train.loss.name", "cross_entropy", "doc"), "bce");
  EXPECT_EQ(TomlString(doc, "train.optimizer.name", "adam", "doc"), "adam");
  try {
    TomlTable("[data", "data", "broken.toml");
    FAIL() << "invalid TOML accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("broken.toml"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace earshot
