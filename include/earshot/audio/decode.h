// Sound files in, mono float32 samples out: in [-1, 1], or above it where a
// float file's peak is (up to kMaxPeak, audio/levels.h).
//
//   earshot::AudioInfo info;
//   std::vector<float> x = earshot::DecodeFile("yes/0a7c2a8d_nohash_0.wav", 16000, &info);
//
// Everything libsndfile reads (WAV PCM 8/16/24/32-bit and float, FLAC,
// OGG/Vorbis, MP3 where the library has it); channels are averaged to mono;
// a requested rate is reached with soxr at high quality.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "earshot/audio/resampler.h"  // Resample

namespace earshot {

// What the file said about itself, before mixing and resampling.
struct AudioInfo {
  int sample_rate = 0;     // Hz, as stored
  int channels = 0;        // as stored
  int64_t frames = 0;      // samples per channel, as stored
  double duration = 0.0;   // seconds
  std::string format;      // e.g. "WAV PCM_16"
};

// Reads the header only. Throws Error naming the file and the reason.
AudioInfo ProbeFile(const std::string& path);

// Decodes to mono float32; if target_rate > 0 and differs from the file's
// rate, resamples to it. Throws Error naming the file and the reason for a
// missing file, a file that is not sound, a truncated or empty one, samples
// that are NaN or infinite or above kMaxPeak (CheckLevels), or a header that
// cannot be true.
std::vector<float> DecodeFile(const std::string& path, int target_rate = 0,
                              AudioInfo* info = nullptr);

// Reads the header of a sound file held in memory (an upload), as ProbeFile;
// the same errors, naming `name`.
AudioInfo ProbeMemory(const void* data, size_t size, const std::string& name);

// Decodes a sound file held in memory (an upload, an archive member) through
// libsndfile's virtual I/O, with DecodeFile's checks, level rule and
// resampling. `name` is used in error messages.
std::vector<float> DecodeMemory(const void* data, size_t size, const std::string& name,
                                int target_rate = 0, AudioInfo* info = nullptr);

// Writes mono float samples as 16-bit PCM WAV (or float WAV when
// `float_samples`), for demo data and tests.
void WriteWav(const std::string& path, const std::vector<float>& samples, int sample_rate,
              bool float_samples = false);

// The same as WriteWav, into memory (libsndfile's virtual I/O): the bytes of
// a mono WAV file, 16-bit PCM (clipped to [-1, 1]) or 32-bit float. Throws
// Error(kInvalidOption) for a sample rate out of range.
std::string EncodeWav(const std::vector<float>& samples, int sample_rate, bool float_samples = false);

}  // namespace earshot
