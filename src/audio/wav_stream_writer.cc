#include "earshot/audio/wav_stream_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

#include "earshot/util/error.h"

namespace earshot {
namespace {

constexpr int64_t kMaxSamples = (int64_t{1} << 31) - 1;  // data size fits 32 bits

void Put16(std::string& out, uint32_t v) {
  out += static_cast<char>(v & 0xFF);
  out += static_cast<char>((v >> 8) & 0xFF);
}
void Put32(std::string& out, uint32_t v) {
  Put16(out, v & 0xFFFF);
  Put16(out, v >> 16);
}

// The canonical 44-byte header of mono 16-bit PCM.
std::string Header(int sample_rate, int64_t samples) {
  const uint32_t data = static_cast<uint32_t>(samples * 2);
  std::string h = "RIFF";
  Put32(h, 36 + data);
  h += "WAVEfmt ";
  Put32(h, 16);
  Put16(h, 1);  // PCM
  Put16(h, 1);  // mono
  Put32(h, static_cast<uint32_t>(sample_rate));
  Put32(h, static_cast<uint32_t>(sample_rate) * 2);
  Put16(h, 2);
  Put16(h, 16);
  h += "data";
  Put32(h, data);
  return h;
}

}  // namespace

WavStreamWriter::WavStreamWriter(const std::string& path, int sample_rate)
    : path_(path), tmp_(path + ".tmp"), sample_rate_(sample_rate) {
  if (sample_rate < 1 || sample_rate > 768000) {
    ThrowOption(path + ": sample rate should be in [1, 768000]. Given: " + std::to_string(sample_rate));
  }
  fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) ThrowIo(path + ": cannot create " + tmp_ + " (" + std::strerror(errno) + ")");
  const std::string header = Header(sample_rate, 0);
  WriteBytes(header.data(), header.size(), "writing");
}

WavStreamWriter::~WavStreamWriter() {
  if (fd_ >= 0) {
    ::close(fd_);
    std::remove(tmp_.c_str());
  }
}

void WavStreamWriter::WriteBytes(const void* data, size_t size, const std::string& what) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd_, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) ThrowIo(path_ + ": " + what + " " + tmp_ + " failed (" + std::strerror(errno) + ")");
    p += n;
    size -= static_cast<size_t>(n);
  }
}

void WavStreamWriter::Append(const float* samples, size_t count) {
  if (fd_ < 0) ThrowIo(path_ + ": samples appended after Finish");
  if (samples_ + static_cast<int64_t>(count) > kMaxSamples) {
    ThrowOption(path_ + ": more than " + std::to_string(kMaxSamples) +
                " samples, the most a 16-bit WAV file holds");
  }
  std::vector<unsigned char> bytes(count * 2);
  for (size_t i = 0; i < count; ++i) {
    const float x = std::clamp(samples[i], -1.f, 1.f);
    const auto v = static_cast<uint16_t>(static_cast<int16_t>(std::lrint(x * 32767.f)));
    bytes[2 * i] = static_cast<unsigned char>(v & 0xFF);
    bytes[2 * i + 1] = static_cast<unsigned char>(v >> 8);
  }
  WriteBytes(bytes.data(), bytes.size(), "writing");
  samples_ += static_cast<int64_t>(count);
}

void WavStreamWriter::Finish() {
  if (fd_ < 0) ThrowIo(path_ + ": finished twice");
  const std::string header = Header(sample_rate_, samples_);
  if (::lseek(fd_, 0, SEEK_SET) != 0) {
    ThrowIo(path_ + ": cannot seek in " + tmp_ + " (" + std::strerror(errno) + ")");
  }
  WriteBytes(header.data(), header.size(), "writing the header of");
  if (::fsync(fd_) != 0) ThrowIo(path_ + ": flushing " + tmp_ + " failed (" + std::strerror(errno) + ")");
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) {
    std::remove(tmp_.c_str());
    ThrowIo(path_ + ": closing " + tmp_ + " failed (" + std::strerror(errno) + ")");
  }
  if (std::rename(tmp_.c_str(), path_.c_str()) != 0) {
    const int e = errno;
    std::remove(tmp_.c_str());
    ThrowIo(path_ + ": renaming " + tmp_ + " into place failed (" + std::strerror(e) + ")");
  }
}

}  // namespace earshot
