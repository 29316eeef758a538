// Keeps freed memory in the process for reuse.
//
// A training or evaluation step allocates and frees the same few
// activation-sized buffers (megabytes each) every time. glibc's malloc
// hands blocks that large back to the kernel on free (mmap/munmap, and
// trimming the top of the heap), so every step faults the same pages in
// again and zeroes them: about a quarter of a DS-CNN-S training step
// (docs/benchmarks.md). Raising both thresholds keeps those blocks in the
// heap. It changes no results, only where memory comes from; the process
// keeps up to 256 MiB it no longer uses at the top of each malloc arena
// (glibc gives busy threads arenas of their own).
#pragma once

namespace earshot {

// Idempotent; affects allocations made after it. Blocks above 32 MiB
// (glibc's largest mmap threshold) are still mapped separately, so the
// clip store and other long-lived arenas are unaffected.
void KeepFreedMemoryForReuse();

}  // namespace earshot
