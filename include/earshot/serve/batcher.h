// Requests that wait at the same time share one forward pass: each model
// has a Batcher, whose worker threads (`workers`, each running one forward
// pass at a time) take the clips queued (up to max_batch, waiting up to
// max_wait_ms after the first for more) and run them together.
//
//   Batcher b([&](const std::vector<std::vector<float>>& clips) { return RunModel(clips); },
//             {16, 2.0}, [&](int n) { metrics.CountBatch("kws", n); });
//   ClipScores s = b.Submit(std::move(samples));   // blocks until its batch ran
//
// The run function sees the clips of a batch in arrival order and returns
// one result per clip; an exception it throws is rethrown to every request
// of that batch. With several workers it runs on several threads at once
// (on different batches). No LibTorch here: the server gives the run function.
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

  // `on_start` runs first on each worker thread (per-thread settings such as
  // LibTorch's OpenMP thread count, which a new thread does not inherit).
  Batcher(RunFn run, const BatchOptions& options, BatchObserver on_batch = {},
          std::function<void()> on_start = {});
  // Runs what is queued, then stops the workers.
  ~Batcher();
  Batcher(const Batcher&) = delete;
  Batcher& operator=(const Batcher&) = delete;

  // Queues one clip and waits for its batch; rethrows the run's exception.
  ClipScores Submit(std::vector<float> samples);

 private:
  struct Pending {
    std::vector<float> samples;
    std::promise<ClipScores> result;
  };
  void Loop(const std::function<void()>& on_start);

  RunFn run_;
  BatchOptions options_;
  BatchObserver on_batch_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending*> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace earshot::serve
