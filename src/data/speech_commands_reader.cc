// Speech Commands: <root>/<word>/<speaker>_nohash_<n>.wav, with long noise
// recordings in _background_noise_/ (TensorFlow's speech_commands layout).
#include <algorithm>
#include <filesystem>

#include "earshot/util/error.h"
#include "layout_readers.h"

namespace earshot::data_internal {
namespace {

namespace fs = std::filesystem;

constexpr const char* kNoiseFolder = "_background_noise_";

std::vector<std::string> SortedNames(const fs::path& dir, bool folders) {
  std::vector<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.empty() || name[0] == '.') continue;
    bool is_dir = it->is_directory(ec);
    if (folders ? is_dir : (it->is_regular_file(ec) && HasExtension(name, {"wav"}))) {
      names.push_back(name);
    }
  }
  if (ec) ThrowIo(dir.string() + ": cannot list (" + ec.message() + ")");
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

Dataset ReadSpeechCommands(const DataOptions& o) {
  Dataset ds;
  ds.root = o.root;
  ds.layout = "speech_commands";
  if (!fs::is_directory(o.root)) ThrowIo(o.root + ": not a folder (speech_commands layout)");
  for (const std::string& word : SortedNames(o.root, true)) {
    fs::path dir = fs::path(o.root) / word;
    std::vector<std::string> files = SortedNames(dir, false);
    if (word == kNoiseFolder) {
      for (const auto& f : files) ds.noise_files.push_back((dir / f).string());
      continue;
    }
    if (files.empty()) {
      ds.notes.push_back(dir.string() + ": no .wav files; not a class");
      continue;
    }
    const int label = static_cast<int>(ds.classes.size());
    ds.classes.push_back(word);
    for (const auto& f : files) {
      ClipRef clip;
      clip.path = (dir / f).string();
      clip.id = word + "/" + f;
      clip.label = label;
      auto nohash = f.find("_nohash_");
      clip.speaker = nohash != std::string::npos ? f.substr(0, nohash) : fs::path(f).stem().string();
      ds.clips.push_back(std::move(clip));
    }
  }
  if (ds.classes.empty()) ThrowBadData(o.root + ": no <word>/*.wav folders (speech_commands layout)");
  return ds;
}

}  // namespace earshot::data_internal
