#include "earshot/audio/resampler.h"

#include <soxr.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "earshot/util/error.h"

namespace earshot {

struct Resampler::State {
  soxr_t soxr = nullptr;
  ~State() {
    if (soxr) soxr_delete(soxr);
  }
};

Resampler::Resampler(int from_rate, int to_rate)
    : from_rate_(from_rate), to_rate_(to_rate), state_(std::make_unique<State>()) {
  if (from_rate <= 0 || to_rate <= 0) {
    ThrowOption("Resample: rates must be > 0. Given: " + std::to_string(from_rate) + " -> " +
                std::to_string(to_rate));
  }
  soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
  soxr_quality_spec_t q = soxr_quality_spec(SOXR_HQ, 0);
  soxr_error_t err = nullptr;
  state_->soxr = soxr_create(from_rate, to_rate, 1, &err, &io, &q, nullptr);
  if (err || !state_->soxr) {
    ThrowBadData("soxr cannot resample " + std::to_string(from_rate) + " -> " +
                 std::to_string(to_rate) + " Hz: " + (err ? err : "unknown error"));
  }
}

Resampler::~Resampler() = default;

std::vector<float> Resampler::Process(const float* samples, int64_t n) {
  const size_t out_len = static_cast<size_t>(
      std::llround(static_cast<double>(n) * to_rate_ / from_rate_));
  std::vector<float> out(out_len, 0.f);
  if (n <= 0 || out_len == 0) return out;
  soxr_clear(state_->soxr);
  size_t in_done = 0, done = 0;
  soxr_error_t err = soxr_process(state_->soxr, samples, static_cast<size_t>(n), &in_done,
                                  out.data(), out_len, &done);
  // Flush: the filter's delay holds the end of the clip back until the
  // input is declared finished (a null input).
  while (!err && done < out_len) {
    size_t more = 0;
    err = soxr_process(state_->soxr, nullptr, 0, nullptr, out.data() + done, out_len - done, &more);
    if (more == 0) break;
    done += more;
  }
  if (err) ThrowBadData(std::string("soxr failed: ") + err);
  return out;
}

void Resampler::Push(const float* samples, int64_t n, std::vector<float>* out) {
  // Nothing to add: soxr would take an empty input for the stream's end.
  if (n <= 0) return;
  size_t in_left = static_cast<size_t>(n);
  const float* in = samples;
  while (true) {
    const size_t room = in_left * static_cast<size_t>(to_rate_) / static_cast<size_t>(from_rate_) + 64;
    const size_t at = out->size();
    out->resize(at + room);
    size_t used = 0, done = 0;
    soxr_error_t err = soxr_process(state_->soxr, in, in_left, &used, out->data() + at, room, &done);
    out->resize(at + done);
    if (err) ThrowBadData(std::string("soxr failed: ") + err);
    in += used;
    in_left -= used;
    if (in_left == 0 && done < room) break;
  }
}

void Resampler::Finish(std::vector<float>* out) {
  while (true) {
    const size_t at = out->size(), room = 4096;
    out->resize(at + room);
    size_t done = 0;
    soxr_error_t err = soxr_process(state_->soxr, nullptr, 0, nullptr, out->data() + at, room, &done);
    out->resize(at + done);
    if (err) ThrowBadData(std::string("soxr failed: ") + err);
    if (done == 0) break;
  }
}

std::vector<float> Resample(const std::vector<float>& samples, int from_rate, int to_rate) {
  if (from_rate <= 0 || to_rate <= 0) {
    ThrowOption("Resample: rates must be > 0. Given: " + std::to_string(from_rate) + " -> " +
                std::to_string(to_rate));
  }
  if (from_rate == to_rate || samples.empty()) return samples;
  return Resampler(from_rate, to_rate).Process(samples.data(), static_cast<int64_t>(samples.size()));
}

}  // namespace earshot
