#include "earshot/stream/stream_frontend.h"

#include <algorithm>

#include "earshot/features/frontend.h"
#include "earshot/util/error.h"

namespace earshot {
namespace {

// The stream computes each frame on its own: refuse what depends on more.
void CheckFrameLocal(const FrontEndOptions& o) {
  if (o.feature == "waveform") {
    ThrowOption("--features.feature=waveform has no frames: the stream front end needs spectrogram | mel | mfcc");
  }
  if (o.scale == "db" && o.db_ref == "max") {
    ThrowOption("--features.db_ref=max scales by each clip's maximum: a stream has no clip; the stream front end "
                "needs --features.db_ref=one");
  }
  if (o.scale == "db" && o.top_db > 0) {
    ThrowOption("--features.top_db=" + std::to_string(o.top_db) +
                " clamps by each clip's maximum: a stream has no clip; the stream front end needs "
                "--features.top_db=0");
  }
  if (!o.multi_n_fft.empty()) {
    ThrowOption("--features.multi_n_fft: the stream front end computes one resolution");
  }
}

}  // namespace

StreamFrontEnd::StreamFrontEnd(const FrontEndOptions& options, int64_t keep) : keep_(std::max<int64_t>(1, keep)) {
  NamingOptions(options, "features", [&] { options.Validate(); });
  CheckFrameLocal(options);
  FrontEndOptions frames = options;
  frames.center = false;  // the stream adds the centre padding itself, at its start only
  frames_fe_ = std::make_unique<FrontEnd>(frames);
  hop_ = options.hop_length;
  const int win = options.win_length > 0 ? options.win_length : options.n_fft;
  span_ = options.framing == "tf" ? win : options.n_fft;
  pad_ = options.center ? options.n_fft / 2 : 0;
  reflect_ = options.pad_mode == "reflect";
  const auto shape = frames_fe_->OutputShape(span_);
  channels_ = static_cast<int>(shape[0]);
  rows_ = static_cast<int>(shape[1]);
  padded_ = pad_ == 0;
}

StreamFrontEnd::~StreamFrontEnd() = default;

int64_t StreamFrontEnd::Push(const float* samples, int64_t n) {
  if (n < 0) ThrowBadData("StreamFrontEnd::Push: a negative count of samples (" + std::to_string(n) + ")");
  samples_ += n;
  if (padded_) {
    buf_.insert(buf_.end(), samples, samples + n);
  } else {
    head_.insert(head_.end(), samples, samples + n);
    // Reflect padding mirrors samples 1 .. pad_ about sample 0, as FrontEnd does.
    if (reflect_ && static_cast<int64_t>(head_.size()) <= pad_) return 0;
    buf_.resize(static_cast<size_t>(pad_));
    for (int64_t p = 0; p < pad_; ++p) buf_[static_cast<size_t>(p)] = reflect_ ? head_[static_cast<size_t>(pad_ - p)] : 0.f;
    buf_.insert(buf_.end(), head_.begin(), head_.end());
    head_ = {};
    padded_ = true;
  }
  const int64_t before = frames_;
  ComputeFrames();
  return frames_ - before;
}

void StreamFrontEnd::ComputeFrames() {
  const int64_t end = buf_start_ + static_cast<int64_t>(buf_.size());  // padded positions held
  if (end < span_) return;
  const int64_t complete = 1 + (end - span_) / hop_;  // frames whose span lies within
  const int64_t m = complete - frames_;
  if (m <= 0) return;
  const int64_t first = frames_ * hop_ - buf_start_;
  const int64_t len = (m - 1) * hop_ + span_;
  block_.resize(static_cast<size_t>(frames_fe_->OutputSize(len)));
  frames_fe_->Compute(buf_.data() + first, len, block_.data());
  // FrontEnd writes [channels][rows][m]; the store keeps frame after frame.
  const int64_t size = frame_size();
  const size_t at = store_.size();
  store_.resize(at + static_cast<size_t>(m * size));
  float* dst = store_.data() + at;
  for (int64_t r = 0; r < size; ++r) {
    const float* src = block_.data() + r * m;
    for (int64_t t = 0; t < m; ++t) dst[t * size + r] = src[t];
  }
  frames_ = complete;
  // Samples before the next frame's span are needed no more.
  const int64_t drop = frames_ * hop_ - buf_start_;
  if (drop > 0) {
    const int64_t kept = std::max<int64_t>(0, static_cast<int64_t>(buf_.size()) - drop);
    std::copy(buf_.end() - kept, buf_.end(), buf_.begin());
    buf_.resize(static_cast<size_t>(kept));
    buf_start_ = frames_ * hop_;
  }
  // Frames older than the kept ones go, in blocks so that the copy is rare.
  const int64_t held = frames_ - store_first_;
  if (held > 2 * keep_) {
    const int64_t gone = held - keep_;
    std::copy(store_.begin() + gone * size, store_.end(), store_.begin());
    store_.resize(static_cast<size_t>(keep_ * size));
    store_first_ += gone;
  }
}

const float* StreamFrontEnd::Frame(int64_t k) const {
  if (k < store_first_ || k >= frames_) {
    ThrowBadData("stream frame " + std::to_string(k) + " is not held (frames " + std::to_string(store_first_) +
                 " to " + std::to_string(frames_ - 1) + " are)");
  }
  return store_.data() + (k - store_first_) * frame_size();
}

}  // namespace earshot
