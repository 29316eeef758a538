#include "earshot/audio/decode.h"

#include <sndfile.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>
#include <sys/stat.h>

#include "earshot/audio/levels.h"
#include "earshot/audio/resampler.h"
#include "earshot/util/error.h"

namespace earshot {
namespace {

constexpr int kMaxChannels = 256;
constexpr int kMaxRate = 1000000;

struct SndfileCloser {
  void operator()(SNDFILE* f) const { sf_close(f); }
};
using SndfilePtr = std::unique_ptr<SNDFILE, SndfileCloser>;

// libsndfile's virtual I/O over a memory buffer.
struct MemoryFile {
  const unsigned char* data;
  sf_count_t size;
  sf_count_t pos;
};

sf_count_t MemLength(void* user) { return static_cast<MemoryFile*>(user)->size; }
sf_count_t MemSeek(sf_count_t offset, int whence, void* user) {
  auto* m = static_cast<MemoryFile*>(user);
  sf_count_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? m->pos : m->size;
  sf_count_t target = base + offset;
  if (target < 0 || target > m->size) return -1;
  m->pos = target;
  return m->pos;
}
sf_count_t MemRead(void* ptr, sf_count_t count, void* user) {
  auto* m = static_cast<MemoryFile*>(user);
  sf_count_t n = std::min(count, m->size - m->pos);
  if (n <= 0) return 0;
  std::memcpy(ptr, m->data + m->pos, static_cast<size_t>(n));
  m->pos += n;
  return n;
}
sf_count_t MemWrite(const void*, sf_count_t, void*) { return 0; }
sf_count_t MemTell(void* user) { return static_cast<MemoryFile*>(user)->pos; }

// libsndfile's virtual I/O into a growing buffer, for writing.
struct BufferFile {
  std::string bytes;
  sf_count_t pos = 0;
};

sf_count_t BufLength(void* user) { return static_cast<sf_count_t>(static_cast<BufferFile*>(user)->bytes.size()); }
sf_count_t BufSeek(sf_count_t offset, int whence, void* user) {
  auto* b = static_cast<BufferFile*>(user);
  const auto size = static_cast<sf_count_t>(b->bytes.size());
  const sf_count_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? b->pos : size;
  if (base + offset < 0) return -1;
  b->pos = base + offset;
  return b->pos;
}
sf_count_t BufRead(void* ptr, sf_count_t count, void* user) {
  auto* b = static_cast<BufferFile*>(user);
  const sf_count_t n = std::min(count, static_cast<sf_count_t>(b->bytes.size()) - b->pos);
  if (n <= 0) return 0;
  std::memcpy(ptr, b->bytes.data() + b->pos, static_cast<size_t>(n));
  b->pos += n;
  return n;
}
sf_count_t BufWrite(const void* ptr, sf_count_t count, void* user) {
  auto* b = static_cast<BufferFile*>(user);
  const auto end = static_cast<size_t>(b->pos + count);
  if (b->bytes.size() < end) b->bytes.resize(end, '\0');
  std::memcpy(b->bytes.data() + b->pos, ptr, static_cast<size_t>(count));
  b->pos += count;
  return count;
}
sf_count_t BufTell(void* user) { return static_cast<BufferFile*>(user)->pos; }

std::string FormatName(int format) {
  SF_FORMAT_INFO major{}, sub{};
  major.format = format & SF_FORMAT_TYPEMASK;
  sub.format = format & SF_FORMAT_SUBMASK;
  std::string out;
  if (sf_command(nullptr, SFC_GET_FORMAT_INFO, &major, sizeof(major)) == 0) out = major.name;
  if (sf_command(nullptr, SFC_GET_FORMAT_INFO, &sub, sizeof(sub)) == 0) {
    out += std::string(out.empty() ? "" : " ") + sub.name;
  }
  return out;
}

// libsndfile shortens a WAV (or AIFF) whose data chunk claims more bytes
// than the file holds, and only says so in its log: "data : 16000 (should be
// 15000)". A claim of 0xFFFFFFFF is a streaming writer's placeholder for an
// unknown length, not a promise, and a claim smaller than the file is
// padding after the data.
bool DataChunkTruncated(const char* log) {
  for (const char* line = log; line && *line; line = std::strchr(line, '\n')) {
    while (*line == '\n' || *line == ' ') ++line;
    unsigned long long claimed = 0, present = 0;
    if ((std::sscanf(line, "data : %llu (should be %llu)", &claimed, &present) == 2 ||
         std::sscanf(line, "SSND : %llu (should be %llu)", &claimed, &present) == 2) &&
        claimed > present && claimed != 0xFFFFFFFFull) {
      return true;
    }
  }
  return false;
}

// libsndfile refused the file. Its log of the failed open (read with a
// null handle) still holds the header fields it parsed; a channel count or
// rate out of range explains the refusal better than its generic error
// ("SF_INFO struct incomplete" for a rate of 0).
[[noreturn]] void ThrowNotSound(const std::string& name) {
  const std::string reason = sf_strerror(nullptr);
  std::vector<char> log(16384, 0);
  sf_command(nullptr, SFC_GET_LOG_INFO, log.data(), static_cast<int>(log.size()) - 1);
  for (const char* line = log.data(); line && *line; line = std::strchr(line, '\n')) {
    while (*line == '\n' || *line == ' ') ++line;
    long long value = 0;
    if (std::sscanf(line, "Sample Rate : %lld", &value) == 1 && (value <= 0 || value > kMaxRate)) {
      ThrowBadData(name + ": absurd header: sample rate " + std::to_string(value) +
                   " Hz (libsndfile: " + reason + ")");
    }
    if (std::sscanf(line, "Channels : %lld", &value) == 1 && (value <= 0 || value > kMaxChannels)) {
      ThrowBadData(name + ": absurd header: " + std::to_string(value) + " channels (libsndfile: " +
                   reason + ")");
    }
  }
  ThrowBadData(name + ": not a sound file (libsndfile: " + reason + ")");
}

// Checks the header for values that cannot describe a real sound.
AudioInfo CheckedInfo(SNDFILE* file, const SF_INFO& sf, const std::string& name) {
  if (sf.channels <= 0 || sf.channels > kMaxChannels) {
    ThrowBadData(name + ": absurd header: " + std::to_string(sf.channels) + " channels");
  }
  if (sf.samplerate <= 0 || sf.samplerate > kMaxRate) {
    ThrowBadData(name + ": absurd header: sample rate " + std::to_string(sf.samplerate) + " Hz");
  }
  std::vector<char> log(16384, 0);
  sf_command(file, SFC_GET_LOG_INFO, log.data(), static_cast<int>(log.size()) - 1);
  if (DataChunkTruncated(log.data())) {
    ThrowBadData(name + ": truncated: the header promises more data than the file holds");
  }
  if (sf.frames <= 0) ThrowBadData(name + ": zero-length: the file holds no samples");
  AudioInfo info;
  info.sample_rate = sf.samplerate;
  info.channels = sf.channels;
  info.frames = sf.frames;
  info.duration = static_cast<double>(sf.frames) / sf.samplerate;
  info.format = FormatName(sf.format);
  return info;
}

// Frames reserved before reading: the header's count is a claim (a damaged
// FLAC header may promise 2^36 frames), so the buffer grows with what is
// actually decoded beyond this.
constexpr sf_count_t kReserveFrames = sf_count_t{1} << 22;

std::vector<float> ReadMono(SNDFILE* file, const AudioInfo& info, const std::string& name) {
  const int ch = info.channels;
  constexpr sf_count_t kBlock = 4096;
  std::vector<float> mono;
  mono.reserve(static_cast<size_t>(std::min(info.frames, kReserveFrames)));
  std::vector<float> block(ch == 1 ? 0 : static_cast<size_t>(kBlock) * ch);
  sf_count_t done = 0;
  while (done < info.frames) {
    const sf_count_t want = std::min<sf_count_t>(kBlock, info.frames - done);
    mono.resize(static_cast<size_t>(done + want));
    float* to = mono.data() + done;
    // One channel is read in place; several through the block, averaged.
    const sf_count_t got = sf_readf_float(file, ch == 1 ? to : block.data(), want);
    if (got <= 0) break;
    if (ch > 1) {
      for (sf_count_t i = 0; i < got; ++i) {
        const float* frame = block.data() + i * ch;
        float sum = 0.f;
        for (int c = 0; c < ch; ++c) sum += frame[c];
        to[i] = sum / static_cast<float>(ch);
      }
    }
    done += got;
  }
  mono.resize(static_cast<size_t>(done));
  if (done < info.frames) {
    ThrowBadData(name + ": truncated: header says " + std::to_string(info.frames) +
                 " frames, only " + std::to_string(done) + " could be read");
  }
  CheckLevels(mono.data(), static_cast<int64_t>(mono.size()), name);
  return mono;
}

std::vector<float> Finish(SNDFILE* file, const SF_INFO& sf, const std::string& name,
                          int target_rate, AudioInfo* info_out) {
  AudioInfo info = CheckedInfo(file, sf, name);
  std::vector<float> mono = ReadMono(file, info, name);
  if (info_out) *info_out = info;
  if (target_rate > 0 && target_rate != info.sample_rate) {
    return Resample(mono, info.sample_rate, target_rate);
  }
  return mono;
}

}  // namespace

AudioInfo ProbeFile(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) ThrowIo(path + ": missing: no such file");
  if (S_ISDIR(st.st_mode)) ThrowIo(path + ": is a directory, not a sound file");
  SF_INFO sf{};
  SndfilePtr file(sf_open(path.c_str(), SFM_READ, &sf));
  if (!file) {
    if (st.st_size == 0) ThrowBadData(path + ": zero-length: the file is empty");
    ThrowNotSound(path);
  }
  return CheckedInfo(file.get(), sf, path);
}

std::vector<float> DecodeFile(const std::string& path, int target_rate, AudioInfo* info) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) ThrowIo(path + ": missing: no such file");
  if (S_ISDIR(st.st_mode)) ThrowIo(path + ": is a directory, not a sound file");
  if (st.st_size == 0) ThrowBadData(path + ": zero-length: the file is empty");
  SF_INFO sf{};
  SndfilePtr file(sf_open(path.c_str(), SFM_READ, &sf));
  if (!file) ThrowNotSound(path);
  return Finish(file.get(), sf, path, target_rate, info);
}

namespace {

// Opens bytes in memory for reading; `mem` must outlive the handle.
SndfilePtr OpenMemory(MemoryFile& mem, SF_INFO& sf, const std::string& name) {
  if (mem.size == 0) ThrowBadData(name + ": zero-length: no bytes");
  SF_VIRTUAL_IO io{MemLength, MemSeek, MemRead, MemWrite, MemTell};
  SndfilePtr file(sf_open_virtual(&io, SFM_READ, &sf, &mem));
  if (!file) ThrowNotSound(name);
  return file;
}

}  // namespace

AudioInfo ProbeMemory(const void* data, size_t size, const std::string& name) {
  MemoryFile mem{static_cast<const unsigned char*>(data), static_cast<sf_count_t>(size), 0};
  SF_INFO sf{};
  SndfilePtr file = OpenMemory(mem, sf, name);
  return CheckedInfo(file.get(), sf, name);
}

std::vector<float> DecodeMemory(const void* data, size_t size, const std::string& name,
                                int target_rate, AudioInfo* info) {
  MemoryFile mem{static_cast<const unsigned char*>(data), static_cast<sf_count_t>(size), 0};
  SF_INFO sf{};
  SndfilePtr file = OpenMemory(mem, sf, name);
  return Finish(file.get(), sf, name, target_rate, info);
}

namespace {

// Mono WAV, 16-bit PCM (clipped to [-1, 1]) or float, through `open`.
template <typename Open>
void WriteWavTo(const std::vector<float>& samples, int sample_rate, bool float_samples,
                const std::string& where, Open open) {
  if (sample_rate <= 0 || sample_rate > kMaxRate) {
    ThrowOption(where + ": the WAV sample rate should be in [1, " + std::to_string(kMaxRate) +
                "]. Given: " + std::to_string(sample_rate));
  }
  SF_INFO sf{};
  sf.samplerate = sample_rate;
  sf.channels = 1;
  sf.format = SF_FORMAT_WAV | (float_samples ? SF_FORMAT_FLOAT : SF_FORMAT_PCM_16);
  SndfilePtr file(open(sf));
  if (!file) ThrowIo(where + ": cannot write (libsndfile: " + sf_strerror(nullptr) + ")");
  // Scale float->int without libsndfile's clipping surprises: clip here.
  sf_command(file.get(), SFC_SET_CLIPPING, nullptr, SF_TRUE);
  sf_count_t n = sf_writef_float(file.get(), samples.data(), static_cast<sf_count_t>(samples.size()));
  if (n != static_cast<sf_count_t>(samples.size())) {
    ThrowIo(where + ": short write (" + std::to_string(n) + " of " +
            std::to_string(samples.size()) + " samples)");
  }
}  // closing the file writes the final header

}  // namespace

void WriteWav(const std::string& path, const std::vector<float>& samples, int sample_rate,
              bool float_samples) {
  WriteWavTo(samples, sample_rate, float_samples, path,
             [&](SF_INFO& sf) { return sf_open(path.c_str(), SFM_WRITE, &sf); });
}

std::string EncodeWav(const std::vector<float>& samples, int sample_rate, bool float_samples) {
  BufferFile buffer;
  SF_VIRTUAL_IO io{BufLength, BufSeek, BufRead, BufWrite, BufTell};
  WriteWavTo(samples, sample_rate, float_samples, "WAV in memory",
             [&](SF_INFO& sf) { return sf_open_virtual(&io, SFM_WRITE, &sf, &buffer); });
  return std::move(buffer.bytes);
}

}  // namespace earshot
