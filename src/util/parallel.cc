#include "earshot/util/parallel.h"

#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace earshot {

void ParallelFor(int64_t count, int threads, const std::function<void(int64_t)>& work,
                 const Progress& progress) {
  std::atomic<int64_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mutex;  // guards error, done and the progress callback
  std::exception_ptr error;
  int64_t done = 0;
  auto run = [&] {
    for (int64_t i = next++; i < count && !failed; i = next++) {
      try {
        work(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex);
        if (!error) error = std::current_exception();
        failed = true;
        return;
      }
      if (!progress) continue;
      std::lock_guard<std::mutex> lock(mutex);
      progress(++done, count);
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads && t < count; ++t) pool.emplace_back(run);
  run();
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace earshot
