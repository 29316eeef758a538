#include "earshot/stream/pcm_reader.h"

#include <algorithm>
#include <cstring>

#include "earshot/audio/levels.h"
#include "earshot/audio/resampler.h"
#include "earshot/util/error.h"

namespace earshot {

size_t PcmSampleBytes(const std::string& format) {
  if (format == "s16le") return 2;
  if (format == "f32le") return 4;
  ThrowOption("raw PCM format should be s16le | f32le. Given: '" + format + "'");
}

void AppendPcmSamples(const unsigned char* b, size_t count, const std::string& format, std::vector<float>* out) {
  const size_t width = PcmSampleBytes(format);
  out->reserve(out->size() + count / width);
  for (size_t i = 0; i + width <= count; i += width) {
    if (width == 2) {
      const auto v = static_cast<int16_t>(static_cast<uint16_t>(b[i] | (b[i + 1] << 8)));
      out->push_back(static_cast<float>(v) / 32768.0f);
    } else {
      const uint32_t u = static_cast<uint32_t>(b[i]) | (static_cast<uint32_t>(b[i + 1]) << 8) |
                         (static_cast<uint32_t>(b[i + 2]) << 16) | (static_cast<uint32_t>(b[i + 3]) << 24);
      float v;
      std::memcpy(&v, &u, 4);
      out->push_back(v);
    }
  }
}

PcmReader::PcmReader(const std::string& format, int from_rate, int to_rate, const std::string& source)
    : format_(format), source_(source), width_(PcmSampleBytes(format)) {
  if (from_rate <= 0) ThrowOption(source + ": the raw PCM rate should be > 0 Hz. Given: " + std::to_string(from_rate));
  if (to_rate > 0 && to_rate != from_rate) resampler_ = std::make_unique<Resampler>(from_rate, to_rate);
}

PcmReader::~PcmReader() = default;

void PcmReader::Push(const unsigned char* bytes, size_t count, std::vector<float>* out) {
  if (count == 0) return;
  const int64_t first_byte = bytes_ - static_cast<int64_t>(held_count_);
  converted_.clear();
  size_t used = 0;
  if (held_count_ > 0) {  // complete the sample split by the previous read
    used = std::min(width_ - held_count_, count);
    std::memcpy(held_ + held_count_, bytes, used);
    held_count_ += used;
    if (held_count_ < width_) {
      bytes_ += static_cast<int64_t>(count);
      return;
    }
    AppendPcmSamples(held_, width_, format_, &converted_);
    held_count_ = 0;
  }
  const size_t whole = (count - used) / width_ * width_;
  AppendPcmSamples(bytes + used, whole, format_, &converted_);
  held_count_ = count - used - whole;
  std::memcpy(held_, bytes + used + whole, held_count_);
  bytes_ += static_cast<int64_t>(count);
  if (format_ == "f32le") {
    CheckLevels(converted_.data(), static_cast<int64_t>(converted_.size()),
                source_ + " (" + format_ + ", from byte " + std::to_string(first_byte) + ")");
  }
  if (resampler_) {
    resampler_->Push(converted_.data(), static_cast<int64_t>(converted_.size()), out);
  } else {
    out->insert(out->end(), converted_.begin(), converted_.end());
  }
}

void PcmReader::Finish(std::vector<float>* out) {
  if (held_count_ > 0) {
    ThrowBadData(source_ + " ended mid-sample: " + std::to_string(bytes_) + " bytes of " + format_ +
                 " is not a whole number of " + std::to_string(width_) + "-byte samples");
  }
  Flush(out);
}

void PcmReader::Flush(std::vector<float>* out) {
  held_count_ = 0;
  if (resampler_) resampler_->Finish(out);
}

}  // namespace earshot
