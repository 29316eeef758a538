// Runs the items of a job (clips to load, files to probe, a data set to
// make) on a few threads and reports progress. Work is given out in index
// order; each item must depend only on its index, so the output does not
// depend on the number of threads.
#pragma once

#include <cstdint>
#include <functional>

namespace earshot {

// Called with (items done, items in all); from one thread at a time.
using Progress = std::function<void(int64_t done, int64_t total)>;

// Calls work(i) for i in [0, count) on `threads` threads (1 = the calling
// thread only). The first exception thrown stops the rest and is rethrown.
void ParallelFor(int64_t count, int threads, const std::function<void(int64_t)>& work,
                 const Progress& progress = {});

}  // namespace earshot
