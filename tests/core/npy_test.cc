// .npy headers that lie: every one is an Error naming the array, never an
// exception of another kind, an overflow or a read past the end (inputs the
// npy fuzz target found, and their kin).
#include <gtest/gtest.h>

#include <string>

#include "earshot/util/error.h"
#include "earshot/util/npy.h"
#include "../npy_header.h"

namespace earshot {
namespace {

std::string Npy(const std::string& dict, const std::string& data = "") {
  return testing::NpyWithHeader(dict, data);
}

std::string ErrorOf(const std::string& bytes) {
  try {
    ParseNpy(bytes, "x.npy");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(NpyHeader, ShapeThatIsNotANumberIsAnError) {
  // The fuzzer's input: a byte 0xFF inside the shape (std::stoll threw
  // std::invalid_argument).
  const std::string e =
      ErrorOf(Npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, \xff\xff" "3), }",
                  std::string(24, '\0')));
  EXPECT_EQ(e.rfind("x.npy: .npy shape (2, \xff\xff" "3): size", 0), 0u) << e;
  EXPECT_NE(e.find("is not a size"), std::string::npos) << e;
  EXPECT_NE(ErrorOf(Npy("{'descr': '<f4', 'shape': (-2,), }")).find("is not a size"),
            std::string::npos);
  EXPECT_NE(ErrorOf(Npy("{'descr': '<f4', 'shape': (99999999999999999999,), }")).find("is not a size"),
            std::string::npos);
}

TEST(NpyHeader, ShapeWhoseProductOverflowsIsAnError) {
  // 2^40 x 2^40 items: the product wrapped, then the size check passed.
  const std::string e = ErrorOf(Npy("{'descr': '<f4', 'shape': (1099511627776, 1099511627776), }"));
  EXPECT_NE(e.find("holds more than 2^48 items"), std::string::npos) << e;
  EXPECT_NE(ErrorOf(Npy("{'descr': '<f8', 'shape': (70368744177664,), }")).find("truncated .npy data"),
            std::string::npos);
}

TEST(NpyHeader, StringWidthsAreChecked) {
  EXPECT_NE(ErrorOf(Npy("{'descr': '<Ux', 'shape': (1,), }", "abcd")).find("is not a size"),
            std::string::npos);
  EXPECT_NE(ErrorOf(Npy("{'descr': '|S0', 'shape': (1,), }")).find("width 0"), std::string::npos);
  EXPECT_NE(ErrorOf(Npy("{'descr': '<U99999999999999', 'shape': (3,), }", "abcd")).find("truncated"),
            std::string::npos);
  // 0x110000 is past the last code point: no UTF-8 for it.
  const std::string e = ErrorOf(Npy("{'descr': '<U1', 'shape': (1,), }", std::string("\0\0\x11\0", 4)));
  EXPECT_EQ(e, "x.npy: string holds 1114112, which is not a unicode code point");
}

TEST(NpyHeader, LongHeaderIsReadWithoutRecursion) {
  // A 60000-byte descr: std::regex recursed per character and could
  // overflow the stack.
  const std::string e = ErrorOf(Npy("{'descr': '" + std::string(60000, 'a') + "', 'shape': (1,), }"));
  EXPECT_NE(e.find("unsupported .npy dtype"), std::string::npos);
  const std::string ok = Npy("{'descr': '<i2', 'fortran_order': False, 'shape': (2,), }",
                             std::string("\x01\0\xff\xff", 4));
  EXPECT_EQ(ParseNpy(ok, "ok").data, (std::vector<float>{1.f, -1.f}));
}

}  // namespace
}  // namespace earshot
