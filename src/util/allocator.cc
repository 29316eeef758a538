#include "earshot/util/allocator.h"

#include <malloc.h>

namespace earshot {

void KeepFreedMemoryForReuse() {
  constexpr int kMmapThreshold = 32 << 20;   // glibc's maximum (HEAP_MAX_SIZE / 2 on 64-bit)
  constexpr int kTrimThreshold = 256 << 20;  // free memory kept at the top of the heap
  mallopt(M_MMAP_THRESHOLD, kMmapThreshold);
  mallopt(M_TRIM_THRESHOLD, kTrimThreshold);
}

}  // namespace earshot
