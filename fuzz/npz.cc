// .npz archives from memory (libzip), each member parsed as .npy.
#include <cstdint>
#include <string>

#include "earshot/util/error.h"
#include "earshot/util/npz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    earshot::ParseNpz(std::string(reinterpret_cast<const char*>(data), size), "fuzz.npz");
  } catch (const earshot::Error&) {
  }
  return 0;
}
