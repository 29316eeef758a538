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

// The kind named by out/.earshot-synth; "" when there is none.
std::string MarkedKind(const fs::path& out) {
  const fs::path marker = out / kMarker;
  if (!fs::is_regular_file(marker)) return "";
  std::string kind = ReadFile(marker.string());
  while (!kind.empty() && (kind.back() == '\n' || kind.back() == ' ')) kind.pop_back();
  return kind;
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
  const std::string marked = MarkedKind(dir);
  if (marked == kind) {
    for (const auto& name : owned) {
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

void MarkSynthFolder(const std::string& out, const std::string& kind) {
  WriteFileAtomic((fs::path(out) / kMarker).string(), kind + "\n");
}

std::vector<std::string> KeywordOutputs() {
  std::vector<std::string> names = SpeechCommandsWords();
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
