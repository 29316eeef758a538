#include "earshot/data/clip_store.h"

#include <algorithm>
#include <cmath>

#include "earshot/util/error.h"

namespace earshot {

int16_t QuantizeSample(float x) {
  const float scaled = std::nearbyint(x * 32768.0f);
  if (!(scaled > -32768.0f)) return -32768;  // also NaN, which the decoder already refuses
  if (scaled > 32767.0f) return 32767;
  return static_cast<int16_t>(scaled);
}

int64_t ClipStore::Bytes() const {
  return static_cast<int64_t>(arena_.capacity() * sizeof(int16_t) +
                              offsets_.capacity() * sizeof(int64_t) +
                              scales_.size() * 48);  // a map node per scaled row
}

float ClipStore::Scale(int64_t row) const {
  if (scales_.empty()) return 1.0f / 32768.0f;
  auto it = scales_.find(row);
  return it == scales_.end() ? 1.0f / 32768.0f : it->second / 32767.0f;
}

float ClipStore::FullScale(int64_t row) const {
  if (scales_.empty()) return 1.0f;
  auto it = scales_.find(row);
  return it == scales_.end() ? 1.0f : it->second;
}

float ClipStore::LargestPeak() const {
  float peak = 0.f;
  for (const auto& [row, p] : scales_) peak = std::max(peak, p);
  return peak;
}

void ClipStore::Quantize(int64_t row, const float* samples, int16_t* out, int64_t n) {
  float peak = 0.f;
  for (int64_t i = 0; i < n; ++i) peak = std::max(peak, std::fabs(samples[i]));
  if (!(peak > 1.0f)) {
    for (int64_t i = 0; i < n; ++i) out[i] = QuantizeSample(samples[i]);
    return;
  }
  // The peak maps to 32767: the clip keeps its shape at its own resolution.
  const float to_code = 32767.0f / peak;
  for (int64_t i = 0; i < n; ++i) {
    out[i] = static_cast<int16_t>(std::clamp(std::nearbyint(samples[i] * to_code), -32767.0f, 32767.0f));
  }
  std::lock_guard<std::mutex> lock(*scales_mutex_);
  scales_[row] = peak;
}

int64_t ClipStore::Append(const float* samples, int64_t n) {
  if (n < 0) ThrowBadData("ClipStore::Append: a clip of " + std::to_string(n) + " samples");
  const int64_t start = offsets_.back();
  arena_.resize(static_cast<size_t>(start + n));
  offsets_.push_back(start + n);
  Quantize(NumClips() - 1, samples, arena_.data() + start, n);
  return NumClips() - 1;
}

void ClipStore::Read(int64_t row, float* out) const {
  const int16_t* p = Data(row);
  const int64_t n = Length(row);
  const float scale = Scale(row);
  for (int64_t i = 0; i < n; ++i) out[i] = static_cast<float>(p[i]) * scale;
}

std::vector<float> ClipStore::Read(int64_t row) const {
  std::vector<float> out(static_cast<size_t>(Length(row)));
  Read(row, out.data());
  return out;
}

void ClipStore::Reserve(const std::vector<int64_t>& lengths) {
  offsets_.assign(1, 0);
  scales_.clear();
  offsets_.reserve(lengths.size() + 1);
  for (int64_t n : lengths) {
    if (n < 0) ThrowBadData("ClipStore::Reserve: a clip of " + std::to_string(n) + " samples");
    offsets_.push_back(offsets_.back() + n);
  }
  // Sized once: a growing vector would hold the old and the new arena at once.
  arena_ = std::vector<int16_t>(static_cast<size_t>(offsets_.back()));
}

void ClipStore::Write(int64_t row, const float* samples) {
  Quantize(row, samples, arena_.data() + offsets_[row], Length(row));
}

std::vector<int64_t> ClipStore::Compact(const std::vector<bool>& keep) {
  if (static_cast<int64_t>(keep.size()) != NumClips()) {
    ThrowMismatch("ClipStore::Compact: " + std::to_string(keep.size()) + " flags for " +
                  std::to_string(NumClips()) + " clips");
  }
  std::vector<int64_t> new_row(keep.size(), -1);
  std::map<int64_t, float> scales;
  std::vector<int64_t> offsets{0};
  int64_t end = 0;
  for (size_t r = 0; r < keep.size(); ++r) {
    if (!keep[r]) continue;
    const int64_t n = Length(static_cast<int64_t>(r));
    // Rows only move towards the front, so copying in order never overwrites
    // a row still to be moved.
    if (offsets_[r] != end) {
      std::copy(arena_.begin() + offsets_[r], arena_.begin() + offsets_[r] + n,
                arena_.begin() + end);
    }
    end += n;
    new_row[r] = static_cast<int64_t>(offsets.size()) - 1;
    offsets.push_back(end);
    auto scaled = scales_.find(static_cast<int64_t>(r));
    if (scaled != scales_.end()) scales[new_row[r]] = scaled->second;
  }
  arena_.resize(static_cast<size_t>(end));
  offsets_ = std::move(offsets);
  scales_ = std::move(scales);
  return new_row;
}

}  // namespace earshot
