// Raw little-endian mono PCM (s16le or f32le) from a byte stream, as
// `earshot stream -` reads stdin and the server reads ?format= uploads:
//
//   PcmReader r("f32le", 44100, 16000, "stdin");  // 44.1 kHz in, 16 kHz out
//   r.Push(bytes, n, &samples);   // any split: a sample may straddle two reads
//   r.Finish(&samples);           // the resampler's tail; throws mid-sample
//
// The samples do not depend on how the bytes are split into reads. A NaN,
// infinite or absurd f32le sample is an earshot::Error naming the source
// and the byte it starts at.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace earshot {

class Resampler;

// Bytes per sample of a raw PCM format: 2 for s16le, 4 for f32le; any other
// name is an earshot::Error.
size_t PcmSampleBytes(const std::string& format);

// Appends the samples of `count` bytes of `format` (a whole number of
// samples) to `out`, as floats (s16le / 32768), without checking levels.
void AppendPcmSamples(const unsigned char* bytes, size_t count, const std::string& format,
                      std::vector<float>* out);

class PcmReader {
 public:
  // `to_rate` 0 or equal to `from_rate`: no resampling. `source` names the
  // stream in errors ("stdin").
  PcmReader(const std::string& format, int from_rate, int to_rate, const std::string& source);
  ~PcmReader();
  PcmReader(const PcmReader&) = delete;
  PcmReader& operator=(const PcmReader&) = delete;

  // Appends to `out` the samples the bytes so far complete (at the output
  // rate). Throws on a NaN, infinite or absurd sample.
  void Push(const unsigned char* bytes, size_t count, std::vector<float>* out);
  // The end of the stream: appends the resampler's delayed tail. Throws if
  // the bytes ended mid-sample.
  void Finish(std::vector<float>* out);
  // As Finish for a stream cut short on purpose (a time limit): a partial
  // sample held is dropped.
  void Flush(std::vector<float>* out);

  int64_t bytes() const { return bytes_; }

 private:
  std::string format_, source_;
  size_t width_;
  int64_t bytes_ = 0;
  unsigned char held_[4] = {0, 0, 0, 0};
  size_t held_count_ = 0;
  std::unique_ptr<Resampler> resampler_;
  std::vector<float> converted_;
};

}  // namespace earshot
