// Raw PCM from a byte stream (stream/pcm_reader.h): exact sample values,
// samples independent of where the reads split the bytes, refusals naming
// the byte, resampling chunk by chunk as in one piece.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "earshot/audio/resampler.h"
#include "earshot/stream/pcm_reader.h"
#include "earshot/util/error.h"

namespace earshot {
namespace {

std::vector<unsigned char> F32(const std::vector<float>& x) {
  std::vector<unsigned char> b(x.size() * 4);
  std::memcpy(b.data(), x.data(), b.size());  // little-endian host
  return b;
}

// The samples of `bytes` read in pieces of `step` bytes, then Finish.
std::vector<float> ReadInSteps(const std::string& format, int from, int to, const std::vector<unsigned char>& bytes,
                               size_t step) {
  PcmReader r(format, from, to, "stdin");
  std::vector<float> out;
  for (size_t at = 0; at < bytes.size(); at += step) r.Push(bytes.data() + at, std::min(step, bytes.size() - at), &out);
  r.Finish(&out);
  EXPECT_EQ(r.bytes(), static_cast<int64_t>(bytes.size()));
  return out;
}

TEST(PcmReader, S16leValuesAreExactWhateverTheSplit) {
  // 1, -32768, 32767, -2 as little-endian int16.
  const std::vector<unsigned char> b = {0x01, 0x00, 0x00, 0x80, 0xff, 0x7f, 0xfe, 0xff};
  const std::vector<float> want = {1.f / 32768, -1.f, 32767.f / 32768, -2.f / 32768};
  for (size_t step : {1, 2, 3, 5, 8}) EXPECT_EQ(ReadInSteps("s16le", 16000, 16000, b, step), want) << step;
}

TEST(PcmReader, F32leSplitAcrossReadsKeepsEverySample) {
  const std::vector<float> x = {0.25f, -0.5f, 1.5f, -0.f, 3e-8f, 0.75f, -1.f};
  for (size_t step : {1, 3, 4, 6, 7, 28}) EXPECT_EQ(ReadInSteps("f32le", 16000, 0, F32(x), step), x) << step;
}

TEST(PcmReader, NanAndInfinityAreRefusedNamingTheByte) {
  std::vector<float> x(10, 0.1f);
  x[6] = std::numeric_limits<float>::quiet_NaN();
  const std::vector<unsigned char> b = F32(x);
  PcmReader r("f32le", 16000, 16000, "stdin");
  std::vector<float> out;
  r.Push(b.data(), 14, &out);  // samples 0-2 and half of 3
  EXPECT_EQ(out.size(), 3u);
  try {
    r.Push(b.data() + 14, b.size() - 14, &out);
    FAIL() << "a NaN sample was accepted";
  } catch (const Error& e) {
    // The read's samples start at byte 12 (the held half); the NaN is its 4th.
    EXPECT_NE(std::string(e.what()).find("stdin (f32le, from byte 12)"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("sample 3"), std::string::npos) << e.what();
  }
  x[6] = -std::numeric_limits<float>::infinity();
  const std::vector<unsigned char> inf = F32(x);
  EXPECT_THROW(ReadInSteps("f32le", 16000, 16000, inf, 5), Error);
}

TEST(PcmReader, EndingMidSampleIsAnErrorButAFlushIsNot) {
  const std::vector<unsigned char> b = {0x01, 0x00, 0x02};
  PcmReader r("s16le", 16000, 16000, "stdin");
  std::vector<float> out;
  r.Push(b.data(), b.size(), &out);
  EXPECT_EQ(out.size(), 1u);
  try {
    r.Finish(&out);
    FAIL() << "a partial sample was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("stdin ended mid-sample: 3 bytes of s16le"), std::string::npos) << e.what();
  }
  PcmReader cut("s16le", 16000, 16000, "stdin");
  out.clear();
  cut.Push(b.data(), b.size(), &out);
  EXPECT_NO_THROW(cut.Flush(&out));
  EXPECT_EQ(out.size(), 1u);
}

TEST(PcmReader, ResamplesInReadsAsInOnePiece) {
  std::vector<float> x(8000);
  for (size_t i = 0; i < x.size(); ++i) x[i] = 0.5f * std::sin(0.05f * static_cast<float>(i));
  const std::vector<unsigned char> b = F32(x);
  const std::vector<float> one = ReadInSteps("f32le", 8000, 16000, b, b.size());
  EXPECT_EQ(one.size(), 16000u);
  for (size_t step : {3, 401, 4096}) EXPECT_EQ(ReadInSteps("f32le", 8000, 16000, b, step), one) << step;
  // And as a whole clip resampled at once, up to float rounding.
  const std::vector<float> clip = Resample(x, 8000, 16000);
  ASSERT_EQ(clip.size(), one.size());
  for (size_t i = 0; i < clip.size(); i += 97) EXPECT_NEAR(clip[i], one[i], 1e-4f) << i;
}

TEST(PcmReader, UnknownFormatOrRateIsAnOptionError) {
  EXPECT_THROW(PcmReader("s24le", 16000, 16000, "stdin"), Error);
  EXPECT_THROW(PcmReader("s16le", 0, 16000, "stdin"), Error);
  std::vector<float> out;
  const unsigned char b[2] = {0, 0};
  EXPECT_THROW(AppendPcmSamples(b, 2, "u8", &out), Error);
}

}  // namespace
}  // namespace earshot
