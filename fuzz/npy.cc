// .npy arrays from memory.
#include <cstdint>
#include <string>

#include "earshot/util/error.h"
#include "earshot/util/npy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const earshot::NpyArray a =
        earshot::ParseNpy(std::string(reinterpret_cast<const char*>(data), size), "fuzz.npy");
    volatile size_t n = a.data.size() + a.strings.size();
    (void)n;
  } catch (const earshot::Error&) {
  }
  return 0;
}
