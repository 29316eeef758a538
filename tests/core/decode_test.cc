// Decoding: every format libsndfile writes here is written at test time,
// decoded, and compared value by value; resampling keeps lengths and
// frequencies; bad files fail with a message naming the file and the reason.
#include <gtest/gtest.h>
#include <sndfile.h>

#include <cmath>
#include <complex>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "../temp_dir.h"
#include "earshot/audio/decode.h"
#include "earshot/util/error.h"

namespace earshot {
namespace {

// Under this process's own scratch folder: other test processes (and other
// builds on the machine) write files of the same names.
std::string TempPath(const std::string& name) {
  return (testing::ScratchDir("decode") / name).string();
}

std::vector<float> Sine(int64_t n, double freq, int rate, double amplitude = 0.5) {
  std::vector<float> x(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    x[static_cast<size_t>(i)] = static_cast<float>(amplitude * std::sin(2 * M_PI * freq * i / rate));
  }
  return x;
}

// Writes interleaved frames with libsndfile; false if the format is not
// available in this build of the library.
bool Write(const std::string& path, int format, int rate, int channels,
           const std::vector<float>& interleaved) {
  SF_INFO info{};
  info.samplerate = rate;
  info.channels = channels;
  info.format = format;
  if (!sf_format_check(&info)) return false;
  SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
  if (!f) return false;
  const sf_count_t frames = static_cast<sf_count_t>(interleaved.size()) / channels;
  const sf_count_t written = sf_writef_float(f, interleaved.data(), frames);
  sf_close(f);
  return written == frames;
}

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteBytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// The frequency of the strongest DFT bin over 10 Hz steps: enough to tell a
// sine kept its pitch.
double DominantFrequency(const std::vector<float>& x, int rate) {
  double best_f = 0, best_p = -1;
  for (double f = 10; f < rate / 2.0; f += 10) {
    std::complex<double> s = 0;
    for (size_t i = 0; i < x.size(); ++i) s += double(x[i]) * std::polar(1.0, -2 * M_PI * f * i / rate);
    if (std::norm(s) > best_p) best_p = std::norm(s), best_f = f;
  }
  return best_f;
}

std::string ErrorOf(const std::function<void()>& f, ErrorKind* kind = nullptr) {
  try {
    f();
  } catch (const Error& e) {
    if (kind) *kind = e.kind();
    return e.what();
  }
  return "";
}

void ExpectWords(const std::string& message, std::initializer_list<const char*> words) {
  ASSERT_FALSE(message.empty()) << "no error";
  for (const char* w : words) {
    EXPECT_NE(message.find(w), std::string::npos) << "'" << w << "' not in: " << message;
  }
}

// A 16-bit mono WAV of a 0.5-amplitude 440 Hz sine.
std::string ValidWavBytes(int64_t n = 8000) {
  const std::string path = TempPath("valid.wav");
  WriteWav(path, Sine(n, 440, 16000), 16000);
  return ReadBytes(path);
}

// Integer samples come back as value / 2^(bits-1) exactly (libsndfile's
// normalisation: full-scale negative is -1), float samples unchanged.
TEST(Decode, PcmAndFloatWavKeepTheirValues) {
  struct Case {
    int subtype, bits;
    const char* format;
  };
  const std::vector<Case> cases = {
      {SF_FORMAT_PCM_U8, 8, "WAV (Microsoft) Unsigned 8 bit PCM"},
      {SF_FORMAT_PCM_16, 16, "WAV (Microsoft) Signed 16 bit PCM"},
      {SF_FORMAT_PCM_24, 24, "WAV (Microsoft) Signed 24 bit PCM"},
      {SF_FORMAT_PCM_32, 32, "WAV (Microsoft) Signed 32 bit PCM"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.format);
    // Codes across the whole range, left-aligned in 32 bits as libsndfile's
    // int interface expects.
    const int64_t top = int64_t{1} << (c.bits - 1);
    std::vector<int64_t> codes = {-top, -top + 1, -1, 0, 1, top / 3, top - 1};
    std::vector<int> ints;
    for (int64_t k : codes) ints.push_back(static_cast<int>(k * (int64_t{1} << (32 - c.bits))));
    const std::string path = TempPath("pcm.wav");
    SF_INFO sfinfo{};
    sfinfo.samplerate = 16000;
    sfinfo.channels = 1;
    sfinfo.format = SF_FORMAT_WAV | c.subtype;
    SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &sfinfo);
    ASSERT_NE(f, nullptr);
    ASSERT_EQ(sf_write_int(f, ints.data(), static_cast<sf_count_t>(ints.size())),
              static_cast<sf_count_t>(ints.size()));
    sf_close(f);
    AudioInfo info;
    const std::vector<float> y = DecodeFile(path, 0, &info);
    EXPECT_EQ(info.format, c.format);
    EXPECT_EQ(info.sample_rate, 16000);
    EXPECT_EQ(info.channels, 1);
    EXPECT_EQ(info.frames, static_cast<int64_t>(codes.size()));
    ASSERT_EQ(y.size(), codes.size());
    for (size_t i = 0; i < codes.size(); ++i) {
      EXPECT_FLOAT_EQ(y[i], static_cast<float>(static_cast<double>(codes[i]) / top)) << i;
    }
    EXPECT_EQ(y.front(), -1.0f);
    EXPECT_EQ(y[3], 0.0f);
  }
  std::vector<float> x = Sine(3000, 440, 16000, 0.9);
  x[10] = 1.5f;  // float WAV may exceed full scale: kept as written
  const std::string path = TempPath("float.wav");
  ASSERT_TRUE(Write(path, SF_FORMAT_WAV | SF_FORMAT_FLOAT, 16000, 1, x));
  AudioInfo info;
  EXPECT_EQ(DecodeFile(path, 0, &info), x);
  EXPECT_EQ(info.format, "WAV (Microsoft) 32 bit float");
  EXPECT_DOUBLE_EQ(info.duration, 3000.0 / 16000);
}

TEST(Decode, FlacIsLosslessAndVorbisAndMp3KeepTheSine) {
  const std::vector<float> x = Sine(16000, 1000, 16000);
  const std::string flac = TempPath("a.flac");
  ASSERT_TRUE(Write(flac, SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 16000, 1, x));
  const std::vector<float> y = DecodeFile(flac);
  ASSERT_EQ(y.size(), x.size());
  for (size_t i = 0; i < x.size(); ++i) ASSERT_NEAR(y[i], x[i], 1.0 / 32768) << i;
  // Lossy codecs: the length (Vorbis keeps it exactly) and the pitch.
  const std::string ogg = TempPath("a.ogg");
  ASSERT_TRUE(Write(ogg, SF_FORMAT_OGG | SF_FORMAT_VORBIS, 16000, 1, x));
  AudioInfo info;
  const std::vector<float> v = DecodeFile(ogg, 0, &info);
  EXPECT_EQ(info.format, "OGG (OGG Container format) Vorbis");
  EXPECT_EQ(v.size(), x.size());
  EXPECT_EQ(DominantFrequency(std::vector<float>(v.begin() + 4000, v.begin() + 6000), 16000), 1000);
  double rms = 0;
  for (size_t i = 4000; i < 12000; ++i) rms += double(v[i]) * v[i];
  EXPECT_NEAR(std::sqrt(rms / 8000), 0.5 / std::sqrt(2), 0.02);

  const std::string mp3 = TempPath("a.mp3");
  if (!Write(mp3, SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III, 16000, 1, x)) {
    GTEST_SKIP() << "this libsndfile writes no MP3";
  }
  const std::vector<float> m = DecodeFile(mp3, 0, &info);
  EXPECT_NE(info.format.find("MPEG"), std::string::npos) << info.format;
  // MP3 pads with up to two frames of 1152 samples.
  EXPECT_NEAR(static_cast<double>(m.size()), 16000.0, 2304.0);
  EXPECT_EQ(DominantFrequency(std::vector<float>(m.begin() + 4000, m.begin() + 6000), 16000), 1000);
}

TEST(Decode, StereoIsMixedToMono) {
  const std::vector<float> left = Sine(2000, 300, 16000, 0.4), right = Sine(2000, 1200, 16000, 0.2);
  std::vector<float> interleaved;
  for (size_t i = 0; i < left.size(); ++i) {
    interleaved.push_back(left[i]);
    interleaved.push_back(right[i]);
  }
  const std::string path = TempPath("stereo.wav");
  ASSERT_TRUE(Write(path, SF_FORMAT_WAV | SF_FORMAT_FLOAT, 16000, 2, interleaved));
  AudioInfo info;
  const std::vector<float> y = DecodeFile(path, 0, &info);
  EXPECT_EQ(info.channels, 2);
  ASSERT_EQ(y.size(), left.size());
  for (size_t i = 0; i < y.size(); ++i) ASSERT_FLOAT_EQ(y[i], (left[i] + right[i]) / 2) << i;
}

TEST(Decode, MemoryDecodesLikeFiles) {
  const std::string bytes = ValidWavBytes();
  const std::vector<float> a = DecodeMemory(bytes.data(), bytes.size(), "upload.wav");
  const std::vector<float> b = DecodeFile(TempPath("valid.wav"));
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.size(), 8000u);
}

// Uploads are resampled and level-checked as files are; the header alone
// is read without decoding.
TEST(Decode, MemoryResamplesAndProbesLikeFiles) {
  const std::string bytes = ValidWavBytes(16000);
  AudioInfo mem_info, file_info;
  const std::vector<float> a = DecodeMemory(bytes.data(), bytes.size(), "upload.wav", 8000, &mem_info);
  const std::vector<float> b = DecodeFile(TempPath("valid.wav"), 8000, &file_info);
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.size(), 8000u);
  EXPECT_EQ(mem_info.sample_rate, 16000);
  const AudioInfo probe = ProbeMemory(bytes.data(), bytes.size(), "upload.wav");
  EXPECT_EQ(probe.frames, 16000);
  EXPECT_EQ(probe.sample_rate, 16000);
  EXPECT_DOUBLE_EQ(probe.duration, 1.0);
  EXPECT_EQ(probe.format, file_info.format);
  ExpectWords(ErrorOf([] { ProbeMemory("", 0, "upload.wav"); }), {"upload.wav", "zero-length"});
  const std::string text = "this is not a sound file at all";
  ExpectWords(ErrorOf([&] { ProbeMemory(text.data(), text.size(), "upload.wav"); }),
              {"upload.wav", "not a sound file"});
  const std::string cut = bytes.substr(0, bytes.size() - 1000);
  ExpectWords(ErrorOf([&] { ProbeMemory(cut.data(), cut.size(), "upload.wav"); }), {"upload.wav", "truncated"});
  // A float upload above kMaxPeak is integer data stored as float.
  const std::string loud = EncodeWav(std::vector<float>(100, 5000.f), 16000, true);
  ExpectWords(ErrorOf([&] { DecodeMemory(loud.data(), loud.size(), "loud.wav"); }), {"loud.wav", "1000"});
}

TEST(Resample, LengthsAndFrequencyAreKept) {
  struct Case {
    int from, to;
    double freq;
  };
  for (const Case c : {Case{16000, 8000, 1000}, Case{44100, 16000, 440}, Case{8000, 16000, 700}}) {
    SCOPED_TRACE(std::to_string(c.from) + " -> " + std::to_string(c.to));
    const std::vector<float> x = Sine(c.from, c.freq, c.from);  // one second
    const std::vector<float> y = Resample(x, c.from, c.to);
    ASSERT_EQ(static_cast<int>(y.size()), c.to);
    const std::vector<float> middle(y.begin() + c.to / 4, y.begin() + c.to / 4 + c.to / 8);
    EXPECT_EQ(DominantFrequency(middle, c.to), c.freq);
    float peak = 0;
    for (float v : middle) peak = std::max(peak, std::abs(v));
    EXPECT_NEAR(peak, 0.5, 0.01);
  }
  // Through DecodeFile: a 44.1 kHz file asked for at 16 kHz.
  const std::string path = TempPath("cd.wav");
  WriteWav(path, Sine(44100, 440, 44100), 44100, true);
  AudioInfo info;
  const std::vector<float> y = DecodeFile(path, 16000, &info);
  EXPECT_EQ(info.sample_rate, 44100);
  EXPECT_EQ(y.size(), 16000u);
  EXPECT_EQ(Resample(y, 16000, 16000), y);
}

TEST(DecodeErrors, MissingFileAndNotSound) {
  ErrorKind kind;
  std::string m = ErrorOf([] { DecodeFile(TempPath("no_such.wav")); }, &kind);
  ExpectWords(m, {"no_such.wav", "missing"});
  EXPECT_EQ(kind, ErrorKind::kIo);
  ExpectWords(ErrorOf([] { ProbeFile(TempPath("no_such.wav")); }), {"no_such.wav", "missing"});

  const std::string text = TempPath("notes.wav");
  WriteBytes(text, "these are words, not samples\n");
  m = ErrorOf([&] { DecodeFile(text); }, &kind);
  ExpectWords(m, {"notes.wav", "not a sound file", "libsndfile"});
  EXPECT_EQ(kind, ErrorKind::kBadData);
  ExpectWords(ErrorOf([&] { ProbeFile(text); }), {"notes.wav", "not a sound file"});

  ExpectWords(ErrorOf([] { DecodeFile(::testing::TempDir()); }), {"directory"});
}

TEST(DecodeErrors, ZeroLengthFileAndFileWithNoSamples) {
  const std::string empty = TempPath("empty.wav");
  WriteBytes(empty, "");
  ExpectWords(ErrorOf([&] { DecodeFile(empty); }), {"empty.wav", "zero-length"});
  ExpectWords(ErrorOf([&] { ProbeFile(empty); }), {"empty.wav", "zero-length"});
  ExpectWords(ErrorOf([] { DecodeMemory("", 0, "upload.wav"); }), {"upload.wav", "zero-length"});
  const std::string header_only = TempPath("header_only.wav");
  WriteWav(header_only, {}, 16000);
  ExpectWords(ErrorOf([&] { DecodeFile(header_only); }), {"header_only.wav", "zero-length"});
}

TEST(DecodeErrors, TruncatedWavIsRefused) {
  const std::string bytes = ValidWavBytes();
  // libsndfile logs "data : 16000 (should be 15000)" and shortens the clip;
  // the decoder must notice rather than return a shorter clip.
  for (size_t cut : {size_t(1), size_t(1000), size_t(15000)}) {
    SCOPED_TRACE(cut);
    const std::string path = TempPath("cut.wav");
    const std::string shorter = bytes.substr(0, bytes.size() - cut);
    WriteBytes(path, shorter);
    ExpectWords(ErrorOf([&] { DecodeFile(path); }), {"cut.wav", "truncated"});
    ExpectWords(ErrorOf([&] { ProbeFile(path); }), {"cut.wav", "truncated"});
    ExpectWords(ErrorOf([&] { DecodeMemory(shorter.data(), shorter.size(), "cut.wav"); }),
                {"cut.wav", "truncated"});
  }
  // A truncated FLAC stream: fewer frames than its header promises.
  const std::string flac = TempPath("cut.flac");
  ASSERT_TRUE(Write(flac, SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 16000, 1,
                    Sine(16000, 440, 16000)));
  const std::string flac_bytes = ReadBytes(flac);
  WriteBytes(flac, flac_bytes.substr(0, flac_bytes.size() / 2));
  ExpectWords(ErrorOf([&] { DecodeFile(flac); }), {"cut.flac", "truncated"});
}

TEST(DecodeErrors, StreamedOrPaddedWavIsNotTruncated) {
  std::string bytes = ValidWavBytes();
  // Written while streaming: RIFF and data sizes left at 0xFFFFFFFF.
  const uint32_t unknown = 0xFFFFFFFF;
  std::string streamed = bytes;
  std::memcpy(&streamed[4], &unknown, 4);
  std::memcpy(&streamed[40], &unknown, 4);
  const std::string path = TempPath("streamed.wav");
  WriteBytes(path, streamed);
  EXPECT_EQ(DecodeFile(path).size(), 8000u);
  // Bytes after the last chunk (some recorders pad files).
  WriteBytes(path, bytes + std::string(100, '\0'));
  EXPECT_EQ(DecodeFile(path).size(), 8000u);
}

TEST(DecodeErrors, NanOrInfiniteSamples) {
  for (float bad : {NAN, INFINITY, -INFINITY}) {
    std::vector<float> x = Sine(1000, 440, 16000);
    x[123] = bad;
    const std::string path = TempPath("bad_float.wav");
    ASSERT_TRUE(Write(path, SF_FORMAT_WAV | SF_FORMAT_FLOAT, 16000, 1, x));
    ExpectWords(ErrorOf([&] { DecodeFile(path); }),
                {"bad_float.wav", "sample 123", std::isnan(bad) ? "NaN" : "infinite"});
  }
}

TEST(DecodeErrors, AbsurdHeaders) {
  const std::string bytes = ValidWavBytes(1000);
  struct Patch {
    size_t offset;
    uint32_t value;
    int width;
    const char* word;  // what the message says about it
  };
  for (const Patch p : {Patch{22, 0, 2, "channel"}, Patch{22, 60000, 2, "channel"},
                        Patch{24, 0, 4, "rate"}, Patch{24, 2000000000u, 4, "sample rate"}}) {
    SCOPED_TRACE(std::to_string(p.offset) + " <- " + std::to_string(p.value));
    std::string patched = bytes;
    std::memcpy(&patched[p.offset], &p.value, static_cast<size_t>(p.width));
    const std::string path = TempPath("absurd.wav");
    WriteBytes(path, patched);
    ErrorKind kind;
    const std::string m = ErrorOf([&] { DecodeFile(path); }, &kind);
    std::printf("  header patch at byte %zu = %u: %s\n", p.offset, p.value, m.c_str());
    ExpectWords(m, {"absurd.wav"});
    EXPECT_EQ(kind, ErrorKind::kBadData);
    std::string lower = m;
    for (char& ch : lower) ch = static_cast<char>(std::tolower(ch));
    EXPECT_NE(lower.find(p.word), std::string::npos) << m;
  }
}

// Random bytes written over the header: every outcome is samples or an
// earshot::Error, never a crash or another exception.
TEST(DecodeErrors, CorruptHeadersNeverCrash) {
  const std::string bytes = ValidWavBytes(500);
  std::mt19937 rng(11);
  int refused = 0;
  for (int trial = 0; trial < 300; ++trial) {
    std::string b = bytes;
    for (int k = 0; k < 3; ++k) b[rng() % 48] = static_cast<char>(rng());
    try {
      const std::vector<float> y = DecodeMemory(b.data(), b.size(), "fuzz.wav", 16000);
      for (float v : y) ASSERT_TRUE(std::isfinite(v));
    } catch (const Error&) {
      ++refused;
    }
  }
  EXPECT_GT(refused, 0);
}

}  // namespace
}  // namespace earshot

namespace earshot {
namespace {

// A FLAC header whose total sample count (36 bits of STREAMINFO) claims
// 2^36 - 1 frames over 1600 real ones: the claim was allocated up front
// (std::bad_alloc, not an Error); now the samples grow as they are decoded
// and the shortfall is a truncation naming the file.
TEST(DecodeErrors, FlacHeaderPromisingTooManyFramesIsTruncated) {
  const std::string path = TempPath("promise.flac");
  if (!Write(path, SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 16000, 1, Sine(1600, 440, 16000))) {
    GTEST_SKIP() << "no FLAC in this libsndfile";
  }
  std::ifstream in(path, std::ios::binary);
  std::string b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_EQ(b.compare(0, 4, "fLaC"), 0);
  b[21] = static_cast<char>((b[21] & 0xF0) | 0x0F);
  for (int i = 22; i < 26; ++i) b[i] = '\xff';
  ExpectWords(ErrorOf([&] { DecodeMemory(b.data(), b.size(), "promise.flac"); }),
              {"promise.flac", "truncated", "68719476735 frames", "only 1600"});
}

}  // namespace
}  // namespace earshot
