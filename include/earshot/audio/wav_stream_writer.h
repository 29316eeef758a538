// A mono 16-bit PCM WAV file written piece by piece, for audio too long to
// hold in memory (hours of a synthetic stream):
//
//   WavStreamWriter w("long.wav", 16000);
//   w.Append(block.data(), block.size());   // any number of times
//   w.Finish();                             // header sizes, then into place
//
// Samples go to `path`.tmp as they come (clipped to [-1, 1]); Finish() sets
// the header's sizes, flushes the file to disk and renames it over `path`,
// as WriteFileAtomic does: until then, an earlier `path` stays whole. A
// writer destroyed unfinished (an error on the way) removes its temporary
// file. Errors name the file and the system's reason; a WAV file holds at
// most 2^31 - 1 samples of 16 bits (37 hours at 16 kHz).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace earshot {

class WavStreamWriter {
 public:
  WavStreamWriter(const std::string& path, int sample_rate);
  ~WavStreamWriter();
  WavStreamWriter(const WavStreamWriter&) = delete;
  WavStreamWriter& operator=(const WavStreamWriter&) = delete;

  void Append(const float* samples, size_t count);
  void Finish();
  int64_t samples() const { return samples_; }

 private:
  void WriteBytes(const void* data, size_t size, const std::string& what);

  std::string path_, tmp_;
  int sample_rate_ = 0;
  int fd_ = -1;
  int64_t samples_ = 0;
};

}  // namespace earshot
