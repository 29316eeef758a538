// Model bundles (inference/bundle.h): the input is a whole bundle file,
// loaded with LoadBundle: LibTorch's archive reader, the checksum, the
// metadata and the checks that the weights, labels and front end fit. The
// archive's CRCs stop most byte-level mutations early; bundle_meta.cc
// fuzzes the metadata behind a valid archive.
#include <cstdint>
#include <fstream>

#include "earshot/util/error.h"
#include "tiny_bundle.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& path = earshot::fuzzing::ScratchBundlePath();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    earshot::LoadBundle(path);
  } catch (const earshot::Error&) {
  }
  return 0;
}
