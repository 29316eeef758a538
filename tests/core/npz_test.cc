// .npz archives: numpy's own files read back, ours read by numpy, and bad
// archives refused with the file named.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "earshot/util/error.h"
#include "earshot/util/files.h"
#include "earshot/util/npy.h"
#include "earshot/util/npz.h"
#include "../temp_dir.h"

namespace earshot {
namespace {

namespace fs = std::filesystem;

std::string TempPath(const std::string& name) {
  const fs::path dir = testing::ScratchDir("npz_test");
  fs::create_directories(dir);
  return (dir / name).string();
}

std::string ErrorOf(const std::string& path) {
  try {
    ReadNpz(path);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

void ExpectNumpyFixture(const std::string& path) {
  const auto members = ReadNpz(path);
  ASSERT_EQ(members.size(), 3u);
  const NpyArray& wav = NpzMember(members, "wav_vals", path);
  EXPECT_EQ(wav.shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(wav.data, (std::vector<float>{0.f, .25f, .5f, .75f, 1.f, 1.25f}));
  const NpyArray& labels = NpzMember(members, "label_vals", path);
  EXPECT_TRUE(labels.is_string);
  EXPECT_EQ(labels.shape, (std::vector<int64_t>{3, 1}));
  EXPECT_EQ(labels.strings, (std::vector<std::string>{"yes", "no", "se\xc3\xb1" "al"}));
  EXPECT_EQ(NpzMember(members, "counts", path).data, (std::vector<float>{1.f, -2.f, 3.f}));
}

TEST(Npz, ReadsNumpySavez) { ExpectNumpyFixture(EARSHOT_FIXTURES "/npz/plain.npz"); }

TEST(Npz, ReadsNumpySavezCompressed) { ExpectNumpyFixture(EARSHOT_FIXTURES "/npz/compressed.npz"); }

TEST(Npz, EncodesUnicodeStringsAsNumpyDoes) {
  const std::string npy = EncodeNpyStrings({2, 1}, {"go", "se\xc3\xb1" "al"});
  EXPECT_NE(npy.find("'descr': '<U5'"), std::string::npos);
  EXPECT_NE(npy.find("'shape': (2, 1)"), std::string::npos);
  EXPECT_EQ(npy.size() % 4, 0u);
  // Header padded to 64 bytes, then 2 x 5 code points of 4 bytes.
  EXPECT_EQ(npy.size(), 128u + 40u);
  const NpyArray back = ParseNpy(npy, "strings");
  EXPECT_EQ(back.strings, (std::vector<std::string>{"go", "se\xc3\xb1" "al"}));
  EXPECT_THROW(EncodeNpyStrings({3}, {"a", "b"}), Error);
  EXPECT_THROW(EncodeNpyStrings({1}, {"\xc3"}), Error);
}

TEST(Npz, RoundTripIsExactAndDeterministic) {
  const std::vector<float> wav = {0.5f, -1.f, 3.25f, 1e-7f, 0.f, 42.f};
  const std::vector<std::pair<std::string, std::string>> members = {
      {"wav_vals", EncodeNpy({2, 3}, wav.data())},
      {"label_vals", EncodeNpyStrings({2, 1}, {"unknown", "yes"})}};
  const std::string a = TempPath("a.npz"), b = TempPath("b.npz");
  WriteNpz(a, members);
  WriteNpz(b, members);
  EXPECT_EQ(ReadFile(a), ReadFile(b));
  const auto back = ReadNpz(a);
  EXPECT_EQ(NpzMember(back, "wav_vals", a).data, wav);
  EXPECT_EQ(NpzMember(back, "wav_vals", a).shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(NpzMember(back, "label_vals", a).strings, (std::vector<std::string>{"unknown", "yes"}));
}

TEST(Npz, NumpyReadsOurArchives) {
  if (!fs::exists("/usr/bin/python3")) GTEST_SKIP() << "no /usr/bin/python3";
  const std::vector<float> wav = {0.5f, -1.f, 3.25f, 2.f};
  const std::string path = TempPath("ours.npz");
  WriteNpz(path, {{"wav_vals", EncodeNpy({2, 2}, wav.data())},
                  {"label_vals", EncodeNpyStrings({2, 1}, {"silence", "go"})}});
  const std::string cmd =
      "/usr/bin/python3 -c \"import numpy as np; d=np.load('" + path +
      "'); print(d['wav_vals'].dtype, d['wav_vals'].shape, d['wav_vals'].sum(), "
      "d['label_vals'].dtype, d['label_vals'].shape, d['label_vals'][:, 0].tolist())\" 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string out;
  char buf[256];
  while (fgets(buf, sizeof(buf), pipe)) out += buf;
  const int rc = pclose(pipe);
  if (out.find("No module named") != std::string::npos) GTEST_SKIP() << "numpy missing";
  EXPECT_EQ(rc, 0) << out;
  EXPECT_EQ(out, "float32 (2, 2) 4.75 <U7 (2, 1) ['silence', 'go']\n");
}

TEST(Npz, NotAZipIsRefusedNamingTheFile) {
  const std::string path = TempPath("text.npz");
  WriteFileAtomic(path, "this is plain text, not an archive, long enough to search");
  const std::string e = ErrorOf(path);
  EXPECT_NE(e.find(path), std::string::npos) << e;
  EXPECT_NE(e.find("not a .npz archive"), std::string::npos) << e;
  EXPECT_NE(ErrorOf(TempPath("missing.npz")).find("missing.npz"), std::string::npos);
}

TEST(Npz, TruncatedArchiveIsRefused) {
  const std::string bytes = ReadFile(EARSHOT_FIXTURES "/npz/plain.npz");
  const std::string path = TempPath("truncated.npz");
  // Cut inside the central directory, and cut just before the end record.
  for (size_t keep : {bytes.size() / 2, bytes.size() - 30}) {
    WriteFileAtomic(path, bytes.substr(0, keep));
    const std::string e = ErrorOf(path);
    EXPECT_NE(e.find(path), std::string::npos) << e;
  }
  // Data cut short while the directory still says it is there.
  std::string shifted = bytes;
  shifted.erase(100, 40);
  WriteFileAtomic(path, shifted);
  EXPECT_NE(ErrorOf(path).find(path), std::string::npos);
}

TEST(Npz, CorruptDataFailsTheCrc) {
  std::string bytes = ReadFile(EARSHOT_FIXTURES "/npz/plain.npz");
  const size_t at = bytes.find("NUMPY");
  ASSERT_NE(at, std::string::npos);
  bytes[at + 140] ^= 0x55;  // inside the first member's data
  const std::string path = TempPath("corrupt.npz");
  WriteFileAtomic(path, bytes);
  const std::string e = ErrorOf(path);
  EXPECT_NE(e.find("CRC32"), std::string::npos) << e;
  EXPECT_NE(e.find("wav_vals.npy"), std::string::npos) << e;
}

std::string ParseError(const std::string& bytes, const std::string& name) {
  try {
    ParseNpz(bytes, name);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Npz, ParsesFromMemoryAsFromFile) {
  const std::string path = EARSHOT_FIXTURES "/npz/compressed.npz";
  const auto members = ParseNpz(ReadFile(path), "upload.npz");
  EXPECT_EQ(NpzMember(members, "counts", path).data, (std::vector<float>{1.f, -2.f, 3.f}));
  const std::vector<float> x = {1.f, 2.f};
  const std::string ours = EncodeNpz({{"x", EncodeNpy({2}, x.data())}}, "mem.npz");
  EXPECT_EQ(NpzMember(ParseNpz(ours, "mem.npz"), "x", "mem.npz").data, x);
}

TEST(Npz, MemberThatIsNotNpyIsNamed) {
  const std::vector<float> x = {1.f};
  const std::string bytes = EncodeNpz(
      {{"wav_vals", EncodeNpy({1}, x.data())}, {"notes", "plain text, not an array"}}, "x");
  const std::string e = ParseError(bytes, "damaged.npz");
  EXPECT_EQ(e, "damaged.npz: member notes.npy: not a .npy array (bad magic)");
}

TEST(Npz, TruncatedArchiveInMemoryNamesWhatIsMissing) {
  const std::string bytes = ReadFile(EARSHOT_FIXTURES "/npz/compressed.npz");
  // Every cut is refused with the name, never read past the end.
  for (size_t keep = 0; keep < bytes.size(); keep += 7) {
    const std::string e = ParseError(bytes.substr(0, keep), "cut.npz");
    EXPECT_EQ(e.rfind("cut.npz: ", 0), 0u) << keep << ": " << e;
  }
  EXPECT_EQ(ParseError("", "cut.npz"), "cut.npz: not a .npz archive: the file is empty");
  EXPECT_NE(ParseError(bytes.substr(0, bytes.size() - 30), "cut.npz").find("truncated"),
            std::string::npos);
}

TEST(Npz, CorruptDeflatedMemberIsNamed) {
  std::string bytes = ReadFile(EARSHOT_FIXTURES "/npz/compressed.npz");
  // The last byte of the first member's deflate stream, before its CRC is
  // checked: either the stream or its CRC is wrong, and the member is named.
  const size_t name = bytes.find("wav_vals.npy");
  ASSERT_NE(name, std::string::npos);
  bytes[name + 12 + 20 + 30] ^= 0x01;
  const std::string e = ParseError(bytes, "bad.npz");
  EXPECT_EQ(e.rfind("bad.npz: member wav_vals.npy: ", 0), 0u) << e;
}

TEST(Npz, MissingMemberListsWhatIsThere) {
  const std::string path = EARSHOT_FIXTURES "/npz/plain.npz";
  const auto members = ReadNpz(path);
  try {
    NpzMember(members, "labels", path);
    FAIL() << "no error";
  } catch (const Error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find(path), std::string::npos) << m;
    EXPECT_NE(m.find("'labels'"), std::string::npos) << m;
    EXPECT_NE(m.find("counts, label_vals, wav_vals"), std::string::npos) << m;
  }
}

}  // namespace
}  // namespace earshot
