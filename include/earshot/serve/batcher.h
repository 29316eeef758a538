// Requests that wait at the same time share one forward pass: each model
// has a Batcher, which runs at most `workers` forward passes at once. Clips
// that arrive while every pass is taken queue up; a worker thread takes
// those queued (up to max_batch, waiting up to max_wait_ms after the first
// for more) and runs them together. A clip that finds nothing queued and a
// pass free, with max_wait_ms 0, runs at once on the caller's own thread:
// the same batch of one a worker would run, without the two thread
// hand-offs.
//
//   Batcher b([&](const std::vector<std::vector<float>>& clips) { return RunModel(clips); },
//             {16, 2.0}, [&](int n) { metrics.CountBatch("kws", n); });
//   ClipScores s = b.Submit(std::move(samples));   // blocks until its batch ran
//
// The run function sees the clips of a batch in arrival order and returns
// one result per clip; an exception it throws is rethrown to every request
// of that batch. It runs on several threads at once (on different batches)
// when workers > 1, and on callers' threads. No LibTorch here: the server
// gives the run function.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

namespace earshot::serve {

struct BatchOptions {
  int max_batch = 16;        // clips per forward pass, at most
  double max_wait_ms = 0.0;  // after the first clip, how long to wait for more (0: take what is queued)
  int workers = 1;           // threads running forward passes of this model at once

  // Throws Error(kInvalidOption) naming the option (--max-batch, --max-wait-ms, --workers).
  void Validate() const;
};

// One clip's answer: its window probabilities (windows x classes,
// row-major) and their combination (one per class).
struct ClipScores {
  std::vector<float> probabilities;
  std::vector<float> windows;
  int64_t window_count = 0;
};

class Batcher {
 public:
  using RunFn = std::function<std::vector<ClipScores>(const std::vector<std::vector<float>>& clips)>;
  using BatchObserver = std::function<void(int clips)>;

  // `on_start` runs once on each thread before its first batch, worker or
  // caller (per-thread settings such as LibTorch's OpenMP thread count,
  // which a new thread does not inherit).
  Batcher(RunFn run, const BatchOptions& options, BatchObserver on_batch = {},
          std::function<void()> on_start = {});
  // Runs what is queued, waits for the passes in flight, then stops the workers.
  ~Batcher();
  Batcher(const Batcher&) = delete;
  Batcher& operator=(const Batcher&) = delete;

  // Queues one clip and waits for its batch; rethrows the run's exception.
  ClipScores Submit(std::vector<float> samples);

  // Clips waiting for a pass, and passes in progress (GET /metrics).
  int queued() const;
  int running() const;

 private:
  struct Pending {
    std::vector<float> samples;
    std::promise<ClipScores> result;
  };
  void Loop();
  // Runs on_start_ if this thread has not yet, then the batch; checks that
  // it answered every clip and counts it.
  std::vector<ClipScores> RunBatch(const std::vector<std::vector<float>>& clips);
  // A pass ended: frees its place and wakes the workers if clips wait.
  void EndPass();

  RunFn run_;
  BatchOptions options_;
  BatchObserver on_batch_;
  std::function<void()> on_start_;
  uint64_t id_;  // tells this batcher's threads apart for on_start_
  int running_ = 0;  // passes in progress, on workers and callers
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending*> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace earshot::serve
