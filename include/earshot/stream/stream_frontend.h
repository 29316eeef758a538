// The front end over a stream: samples arrive in chunks of any size and
// only the frames they complete are computed.
//
//   StreamFrontEnd fe(options);        // the bundle's FrontEndOptions
//   fe.Push(chunk, n);                 // computes the frames this chunk completes
//   const float* f = fe.Frame(k);      // frame k: channels x rows values
//
// Stream frame k is the frame FrontEnd (features/frontend.h) computes as
// its frame k when given every sample of the stream so far as one clip:
// centred at sample k * hop_length (center = true), starting there
// (center = false). With center = true, frames whose span begins before
// the stream's first sample see the same padding FrontEnd adds at a clip's
// start (reflect or zeros); a frame is computed only once its span is
// complete, so the padding FrontEnd adds at a clip's end never enters a
// stream frame. Each frame is computed on its own, which needs a front end
// whose values depend on their frame alone: `feature = waveform`, and dB
// relative to each clip's maximum (`db_ref = max`) or clamped by the
// clip's maximum (`top_db > 0`), are refused with an error naming the option.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "earshot/features/frontend_options.h"

namespace earshot {

class FrontEnd;

class StreamFrontEnd {
 public:
  // `keep`: how many of the latest frames stay readable (at least 1).
  explicit StreamFrontEnd(const FrontEndOptions& options, int64_t keep = 1024);
  ~StreamFrontEnd();
  StreamFrontEnd(const StreamFrontEnd&) = delete;
  StreamFrontEnd& operator=(const StreamFrontEnd&) = delete;

  // Appends n samples; returns the number of frames they completed.
  int64_t Push(const float* samples, int64_t n);

  int64_t samples() const { return samples_; }  // pushed so far
  int64_t frames() const { return frames_; }    // computed so far
  int channels() const { return channels_; }
  int rows() const { return rows_; }
  int64_t frame_size() const { return static_cast<int64_t>(channels_) * rows_; }
  // Frame k (frames() - keep <= k < frames()): channel-major, rows within.
  const float* Frame(int64_t k) const;
  // The stream sample at which frame k's span starts (negative for frames
  // that reach into the centre padding) and the span's length.
  int64_t FrameStart(int64_t k) const { return k * hop_ - pad_; }
  int64_t FrameSpan() const { return span_; }

 private:
  void ComputeFrames();

  std::unique_ptr<FrontEnd> frames_fe_;  // the same options, not centred: frames of a padded stretch
  int64_t hop_, span_, pad_;             // pad_: samples of centre padding before the stream
  bool reflect_;
  int channels_ = 1, rows_ = 0;
  int64_t keep_;
  int64_t samples_ = 0, frames_ = 0;
  // The padded stream from padded position buf_start_ on (padded position
  // p is stream sample p - pad_); the padding is added once pad_ + 1
  // samples have arrived (reflect needs them).
  std::vector<float> buf_;
  int64_t buf_start_ = 0;
  bool padded_ = false;
  std::vector<float> head_;              // samples held until the padding can be made
  std::vector<float> store_;             // frames store_first_ .. frames_ - 1, frame_size() each
  int64_t store_first_ = 0;
  std::vector<float> block_;             // FrontEnd's output for a run of new frames
};

}  // namespace earshot
