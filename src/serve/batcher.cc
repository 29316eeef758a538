#include "earshot/serve/batcher.h"

#include <chrono>
#include <exception>
#include <string>

#include "earshot/util/error.h"

namespace earshot::serve {

void BatchOptions::Validate() const {
  if (max_batch < 1 || max_batch > 1024) {
    ThrowOption("--max-batch should be in [1, 1024]. Given: " + std::to_string(max_batch));
  }
  if (!(max_wait_ms >= 0.0) || max_wait_ms > 10000.0) {
    ThrowOption("--max-wait-ms should be in [0, 10000]. Given: " + std::to_string(max_wait_ms));
  }
  if (workers < 1 || workers > 256) ThrowOption("--workers should be in [1, 256]. Given: " + std::to_string(workers));
}

Batcher::Batcher(RunFn run, const BatchOptions& options, BatchObserver on_batch,
                 std::function<void()> on_start)
    : run_(std::move(run)), options_(options), on_batch_(std::move(on_batch)) {
  options_.Validate();
  for (int i = 0; i < options_.workers; ++i) threads_.emplace_back([this, on_start] { Loop(on_start); });
}

Batcher::~Batcher() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& t : threads_) t.join();
}

ClipScores Batcher::Submit(std::vector<float> samples) {
  Pending pending;
  pending.samples = std::move(samples);
  std::future<ClipScores> result = pending.result.get_future();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) throw Error(ErrorKind::kInternal, "the model's batch queue has stopped");
    queue_.push_back(&pending);
  }
  wake_.notify_all();
  return result.get();
}

void Batcher::Loop(const std::function<void()>& on_start) {
  if (on_start) on_start();
  const auto wait = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double, std::milli>(options_.max_wait_ms));
  const size_t max_batch = static_cast<size_t>(options_.max_batch);
  for (;;) {
    std::vector<Pending*> batch;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, nothing left
      if (wait.count() > 0) {
        const auto deadline = std::chrono::steady_clock::now() + wait;
        wake_.wait_until(lock, deadline, [&] { return stopping_ || queue_.size() >= max_batch; });
      }
      while (!queue_.empty() && batch.size() < max_batch) {
        batch.push_back(queue_.front());
        queue_.pop_front();
      }
    }
    if (batch.empty()) continue;  // another worker took them during the wait
    std::vector<std::vector<float>> clips;
    for (Pending* p : batch) clips.push_back(std::move(p->samples));
    try {
      std::vector<ClipScores> scores = run_(clips);
      if (scores.size() != batch.size()) {
        throw Error(ErrorKind::kInternal, "the batch run returned " + std::to_string(scores.size()) +
                                              " results for " + std::to_string(batch.size()) + " clips");
      }
      if (on_batch_) on_batch_(static_cast<int>(batch.size()));
      for (size_t i = 0; i < batch.size(); ++i) batch[i]->result.set_value(std::move(scores[i]));
    } catch (...) {
      for (Pending* p : batch) p->result.set_exception(std::current_exception());
    }
  }
}

}  // namespace earshot::serve
