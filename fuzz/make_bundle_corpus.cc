// Writes the seed corpora of the bundle fuzz targets (they need LibTorch,
// fuzz/make_corpus.cc does not): fuzz/corpus/bundle/ gets the tiny bundle
// of tiny_bundle.h with and without its detection threshold,
// fuzz/corpus/bundle_meta/ the metadata of each.
//
//   build/fuzz/fuzz_make_bundle_corpus fuzz/corpus
#include <torch/torch.h>

#include <cstdio>
#include <filesystem>

#include "earshot/util/files.h"
#include "tiny_bundle.h"

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
    return 2;
  }
  const fs::path root = argv[1];
  fs::create_directories(root / "bundle");
  fs::create_directories(root / "bundle_meta");
  torch::manual_seed(0);
  earshot::BundleInfo info = earshot::fuzzing::TinyBundleInfo();
  const auto model = earshot::fuzzing::TinyModel(info);
  for (const char* name : {"tiny", "tiny_no_thresholds"}) {
    const std::string bundle = (root / "bundle" / (std::string(name) + ".bundle")).string();
    earshot::SaveBundle(bundle, info, *model);
    // The metadata as SaveBundle stored it.
    torch::serialize::InputArchive archive;
    archive.load_from(bundle);
    c10::IValue meta;
    archive.read("earshot_meta", meta);
    earshot::WriteFileAtomic((root / "bundle_meta" / (std::string(name) + ".json")).string(),
                             meta.toStringRef());
    info.thresholds.clear();
  }
  std::printf("wrote the seeds of bundle and bundle_meta under %s\n", root.c_str());
  return 0;
}
