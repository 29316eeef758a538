// Sample-rate conversion with soxr at high quality.
//
//   std::vector<float> y = Resample(x, 44100, 16000);   // one clip
//   Resampler r(17600, 16000);                          // many clips, one filter
//   std::vector<float> a = r.Process(x.data(), x.size());
//
// soxr designs its filter when a resampler is made; that costs more than
// converting a one-second clip, so code that converts many clips at the
// same pair of rates (speed perturbation) keeps a Resampler.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

namespace earshot {

class Resampler {
 public:
  Resampler(int from_rate, int to_rate);
  ~Resampler();
  Resampler(const Resampler&) = delete;
  Resampler& operator=(const Resampler&) = delete;

  // One whole clip: round(n * to / from) samples. The resampler starts from
  // a clean state for every call, so calls do not influence each other.
  std::vector<float> Process(const float* samples, int64_t n);

  // A stream instead, chunk after chunk (do not mix with Process): appends
  // to `out` what the samples so far give; the filter holds its delay back
  // until Finish, which appends the rest.
  void Push(const float* samples, int64_t n, std::vector<float>* out);
  void Finish(std::vector<float>* out);

 private:
  struct State;
  int from_rate_, to_rate_;
  std::unique_ptr<State> state_;
};

// Returns the input when the rates are equal.
std::vector<float> Resample(const std::vector<float>& samples, int from_rate, int to_rate);

}  // namespace earshot
