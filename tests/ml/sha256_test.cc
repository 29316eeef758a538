// The bundle checksum's digest: FIPS 180-2's example, whole and in parts.
#include <gtest/gtest.h>

#include "earshot/inference/sha256.h"
#include "earshot/util/error.h"

namespace earshot {
namespace {

TEST(Sha256, KnownTextWholeAndInParts) {
  Sha256 whole;
  whole.Update("abc");
  EXPECT_EQ(whole.Hex(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Sha256 parts;
  parts.Update("a");
  parts.Update("bc", 2);
  EXPECT_EQ(parts.Hex(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_THROW(parts.Hex(), Error);
  Sha256 empty;
  EXPECT_EQ(empty.Hex(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

}  // namespace
}  // namespace earshot
