// KeepFreedMemoryForReuse changes malloc's settings for the whole process,
// so its test runs in a process of its own (tests/CMakeLists.txt): no other
// test sees the settings, and this one sees glibc's defaults before the call.
#include <gtest/gtest.h>

#include <malloc.h>

#include <cstdlib>
#include <cstring>

#include "earshot/util/allocator.h"

namespace earshot {
namespace {

// A freed 8 MiB block stays in the heap for the next step instead of going
// back to the kernel: its bytes count as free heap memory afterwards, and
// nothing is mapped separately for it.
TEST(Allocator, FreedBlocksStayForReuse) {
#if defined(__SANITIZE_ADDRESS__)
  // AddressSanitizer replaces malloc: glibc's settings and statistics
  // (mallinfo2) do not describe the heap in use.
  GTEST_SKIP() << "built with AddressSanitizer (EARSHOT_SANITIZE=ON): glibc's malloc is not in use";
#endif
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

}  // namespace
}  // namespace earshot
