// Clips held in memory as 16-bit PCM: one contiguous arena and the offset of
// each clip in it. Speech Commands v2 (105k one-second clips at 16 kHz)
// takes 3.4 GB as int16 against 6.8 GB as float, and an epoch reads it with
// no decoding.
//
//   ClipStore store(16000);
//   int64_t row = store.Append(samples.data(), samples.size());
//   std::vector<float> x = store.Read(row);   // samples * Scale(row)
//
// A clip in [-1, 1] is stored with the scale 1/32768, as libsndfile reads
// 16-bit PCM. A clip whose peak p is above 1 (resampling overshoot, float
// files, mixtures) is stored with its own scale p/32767, so it reads back
// within one step of its own int16 resolution instead of being clipped;
// only such clips take a table entry, so ordinary clips cost what they did.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace earshot {

class ClipStore {
 public:
  explicit ClipStore(int sample_rate = 0) : sample_rate_(sample_rate) { offsets_.push_back(0); }

  int sample_rate() const { return sample_rate_; }
  int64_t NumClips() const { return static_cast<int64_t>(offsets_.size()) - 1; }
  int64_t Length(int64_t row) const { return offsets_[row + 1] - offsets_[row]; }
  int64_t TotalSamples() const { return offsets_.back(); }
  int64_t Bytes() const;  // arena and offsets
  // The int16 codes of a row; sample = code * Scale(row).
  const int16_t* Data(int64_t row) const { return arena_.data() + offsets_[row]; }
  float Scale(int64_t row) const;
  // The largest magnitude the row holds: 1 for ordinary rows, the peak for
  // rows stored with their own scale. The loader clips augmented audio here.
  float FullScale(int64_t row) const;
  // Rows stored with their own scale (peak above 1), and the largest peak.
  int64_t NumScaled() const { return static_cast<int64_t>(scales_.size()); }
  float LargestPeak() const;

  // Quantises float samples (finite; see CheckLevels) and appends them as a
  // new clip; returns its row.
  int64_t Append(const float* samples, int64_t n);
  // Writes Length(row) floats: code * Scale(row).
  void Read(int64_t row, float* out) const;
  std::vector<float> Read(int64_t row) const;

  // Bulk filling without reallocation: Reserve the lengths of all clips,
  // then each thread writes its own rows with Write. Rows that could not be
  // filled are then dropped with Compact, which keeps the order of the rest.
  // Write may run on several threads at once, each on its own rows.
  void Reserve(const std::vector<int64_t>& lengths);
  void Write(int64_t row, const float* samples);
  // keep[row] false drops the row; returns the new row of each old row, -1
  // for dropped ones.
  std::vector<int64_t> Compact(const std::vector<bool>& keep);

 private:
  int sample_rate_;
  std::vector<int16_t> arena_;
  std::vector<int64_t> offsets_;  // NumClips() + 1 values
  std::map<int64_t, float> scales_;  // row -> peak, for rows whose peak is above 1
  std::unique_ptr<std::mutex> scales_mutex_ = std::make_unique<std::mutex>();

  void Quantize(int64_t row, const float* samples, int16_t* out, int64_t n);
};

// float in [-1, 1] -> int16 with the 32768 scale, rounding to nearest and
// clipping; the round trip is exact for 16-bit sources and within 1/32768
// otherwise.
int16_t QuantizeSample(float x);

}  // namespace earshot
