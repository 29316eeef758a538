// Output folders of the data set generators: made, replaced or refused.
#include "earshot/synth/output_folder.h"

#include <algorithm>
#include <filesystem>

#include "earshot/synth/keywords.h"
#include "earshot/util/error.h"
#include "earshot/util/files.h"

namespace earshot {
namespace {

namespace fs = std::filesystem;

constexpr const char* kMarker = ".earshot-synth";

// The lines of out/.earshot-synth: the kind, then the names it wrote;
// empty when there is none.
std::vector<std::string> MarkerLines(const fs::path& out) {
  const fs::path marker = out / kMarker;
  if (!fs::is_regular_file(marker)) return {};
  std::vector<std::string> lines;
  const std::string text = ReadFile(marker.string());
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(at, end - at);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
    lines.push_back(line);
    at = end + 1;
  }
  return lines;
}

// A name of the folder's own, never a path out of it.
bool PlainName(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos &&
         name != kMarker;
}

}  // namespace

void PrepareSynthFolder(const std::string& out, const std::string& kind,
                        const std::vector<std::string>& owned, bool force) {
  const fs::path dir(out);
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    MakeDirs(out);
    return;
  }
  if (!fs::is_directory(dir, ec)) ThrowIo(out + ": exists and is not a folder");
  std::vector<std::string> entries;
  for (const auto& e : fs::directory_iterator(dir, ec)) entries.push_back(e.path().filename().string());
  if (ec) ThrowIo(out + ": cannot list (" + ec.message() + ")");
  if (entries.empty()) return;
  const std::vector<std::string> lines = MarkerLines(dir);
  const std::string marked = lines.empty() ? "" : lines[0];
  if (marked == kind) {
    std::vector<std::string> remove = owned;
    for (size_t i = 1; i < lines.size(); ++i) {
      if (PlainName(lines[i])) remove.push_back(lines[i]);
    }
    for (const auto& name : remove) {
      fs::remove_all(dir / name, ec);
      if (ec) ThrowIo((dir / name).string() + ": cannot remove the earlier " + kind + " output (" + ec.message() + ")");
    }
    return;
  }
  if (force) return;
  std::sort(entries.begin(), entries.end());
  std::string some;
  for (size_t i = 0; i < entries.size() && i < 3; ++i) some += (i ? ", " : "") + entries[i];
  if (entries.size() > 3) some += ", ...";
  ThrowOption(out + ": not empty (" + std::to_string(entries.size()) +
              (entries.size() == 1 ? " entry: " : " entries: ") + some + ") and " +
              (marked.empty() ? "not an earlier `earshot synth " + kind + "` output"
                              : "an earlier `earshot synth " + marked + "` output, not " + kind) +
              "; choose an empty or new folder, or pass --force to write into it (files of the "
              "same name are replaced, the others stay)");
}

void MarkSynthFolder(const std::string& out, const std::string& kind,
                     const std::vector<std::string>& written) {
  std::string text = kind + "\n";
  for (const auto& name : written) {
    if (PlainName(name)) text += name + "\n";
  }
  WriteFileAtomic((fs::path(out) / kMarker).string(), text);
}

std::vector<std::string> KeywordOutputs() {
  std::vector<std::string> names = SpeechCommandsWords();
  names.push_back("_unknown_");
  names.push_back("_background_noise_");
  return names;
}

std::vector<std::string> MixtureOutputs() {
  return {"train", "test", "train_answer.csv", "submission.csv"};
}

std::vector<std::string> TaggingOutputs() {
  return {"audio_train", "audio_test", "train.csv", "sample_submission.csv"};
}

}  // namespace earshot
