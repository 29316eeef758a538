#include "earshot/serve/batcher.h"

#include <atomic>
#include <chrono>
#include <exception>
#include <string>
#include <unordered_set>

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

namespace {

std::atomic<uint64_t> next_batcher_id{1};

}  // namespace

Batcher::Batcher(RunFn run, const BatchOptions& options, BatchObserver on_batch,
                 std::function<void()> on_start)
    : run_(std::move(run)),
      options_(options),
      on_batch_(std::move(on_batch)),
      on_start_(std::move(on_start)),
      id_(next_batcher_id++) {
  options_.Validate();
  for (int i = 0; i < options_.workers; ++i) threads_.emplace_back([this] { Loop(); });
}

Batcher::~Batcher() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& t : threads_) t.join();
  std::unique_lock<std::mutex> lock(mutex_);
  wake_.wait(lock, [this] { return running_ == 0; });
}

std::vector<ClipScores> Batcher::RunBatch(const std::vector<std::vector<float>>& clips) {
  // The batchers whose on_start_ this thread has run (ids, never reused).
  thread_local std::unordered_set<uint64_t> started;
  if (on_start_ && started.insert(id_).second) on_start_();
  std::vector<ClipScores> scores = run_(clips);
  if (scores.size() != clips.size()) {
    throw Error(ErrorKind::kInternal, "the batch run returned " + std::to_string(scores.size()) +
                                          " results for " + std::to_string(clips.size()) + " clips");
  }
  if (on_batch_) on_batch_(static_cast<int>(clips.size()));
  return scores;
}

ClipScores Batcher::Submit(std::vector<float> samples) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (stopping_) throw Error(ErrorKind::kInternal, "the model's batch queue has stopped");
  if (options_.max_wait_ms <= 0.0 && queue_.empty() && running_ < options_.workers) {
    // Nothing to batch with and a pass free: this thread runs it.
    ++running_;
    lock.unlock();
    struct Release {
      Batcher* b;
      ~Release() { b->EndPass(); }
    } release{this};
    std::vector<std::vector<float>> clips(1);
    clips[0] = std::move(samples);
    return std::move(RunBatch(clips)[0]);
  }
  Pending pending;
  pending.samples = std::move(samples);
  std::future<ClipScores> result = pending.result.get_future();
  queue_.push_back(&pending);
  lock.unlock();
  wake_.notify_all();
  return result.get();
}

int Batcher::queued() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return static_cast<int>(queue_.size());
}

int Batcher::running() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return running_;
}

void Batcher::Loop() {
  const auto wait = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double, std::milli>(options_.max_wait_ms));
  const size_t max_batch = static_cast<size_t>(options_.max_batch);
  for (;;) {
    std::vector<Pending*> batch;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] {
        return (stopping_ && queue_.empty()) || (!queue_.empty() && running_ < options_.workers);
      });
      if (queue_.empty()) return;  // stopping, nothing left
      if (wait.count() > 0) {
        const auto deadline = std::chrono::steady_clock::now() + wait;
        wake_.wait_until(lock, deadline, [&] { return stopping_ || queue_.size() >= max_batch; });
        if (running_ >= options_.workers) continue;  // the other workers took every pass meanwhile
      }
      while (!queue_.empty() && batch.size() < max_batch) {
        batch.push_back(queue_.front());
        queue_.pop_front();
      }
      if (!batch.empty()) ++running_;
    }
    if (batch.empty()) continue;  // another worker took them during the wait
    std::vector<std::vector<float>> clips;
    for (Pending* p : batch) clips.push_back(std::move(p->samples));
    std::vector<ClipScores> scores;
    std::exception_ptr failure;
    try {
      scores = RunBatch(clips);
    } catch (...) {
      failure = std::current_exception();
    }
    EndPass();  // before the answers: a caller that has one sees the pass ended
    for (size_t i = 0; i < batch.size(); ++i) {
      failure ? batch[i]->result.set_exception(failure) : batch[i]->result.set_value(std::move(scores[i]));
    }
  }
}

void Batcher::EndPass() {
  bool wanted;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    --running_;
    // Idle workers sleep on wake_: only clips queued (or a stop) need them.
    wanted = !queue_.empty() || stopping_;
  }
  if (wanted) wake_.notify_all();
}

}  // namespace earshot::serve
