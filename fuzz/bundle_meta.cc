// The bundle loader's metadata (inference/bundle.h): the input is the JSON
// a bundle keeps under "earshot_meta", stored in a valid LibTorch archive
// beside the weights of the tiny model (tiny_bundle.h) and without a
// checksum, as bundles written before checksums existed (they load
// unchecked), then loaded with LoadBundle: the format and version, every
// option group, labels, thresholds, shapes, the model the metadata names
// built and fitted to those weights.
#include <torch/serialize.h>

#include <cstdint>
#include <fstream>
#include <sstream>

#include "earshot/util/error.h"
#include "tiny_bundle.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto model = earshot::fuzzing::TinyModel(earshot::fuzzing::TinyBundleInfo());
  torch::serialize::OutputArchive archive;
  model->save(archive);
  archive.write("earshot_meta", c10::IValue(std::string(reinterpret_cast<const char*>(data), size)));
  const std::string& path = earshot::fuzzing::ScratchBundlePath();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    archive.save_to(out);
  }
  try {
    earshot::LoadBundle(path);
  } catch (const earshot::Error&) {
  }
  return 0;
}
