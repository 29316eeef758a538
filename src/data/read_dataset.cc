#include <filesystem>
#include <fstream>

#include "earshot/data/csv.h"
#include "earshot/data/labels.h"
#include "earshot/data/readers.h"
#include "earshot/data/splits.h"
#include "earshot/util/error.h"
#include "earshot/util/option_checks.h"
#include "layout_readers.h"

namespace earshot {
namespace {

namespace fs = std::filesystem;
using namespace data_internal;

bool HasSpeechCommandsLists(const std::string& root) {
  return fs::exists(fs::path(root) / "validation_list.txt") ||
         fs::exists(fs::path(root) / "testing_list.txt");
}

Dataset ReadLayout(const DataOptions& o, const std::string& layout) {
  if (layout == "speech_commands") return ReadSpeechCommands(o);
  if (layout == "csv") return ReadCsvManifest(o);
  if (layout == "soft_csv") return ReadSoftCsv(o);
  if (layout == "npz") return ReadNpzSet(o);
  if (layout == "folder") return ReadAudioFolder(o);
  return ReadFileList(o);
}

void DropUnverified(Dataset& ds) {
  size_t before = ds.clips.size();
  std::vector<ClipRef> kept;
  for (auto& clip : ds.clips) {
    if (clip.verified) kept.push_back(std::move(clip));
  }
  ds.clips = std::move(kept);
  ds.notes.push_back("verified_only: " + std::to_string(before - ds.clips.size()) +
                     " clips not manually verified left out");
}

void AssignSplit(Dataset& ds, const DataOptions& o) {
  const bool labelled = !ds.classes.empty();
  std::string rule = o.split;
  if (rule == "auto") {
    if (!labelled) rule = "none";
    else if (ds.layout == "speech_commands") rule = HasSpeechCommandsLists(o.root) ? "lists" : "hash";
    else rule = "stratified";
  }
  if (!labelled && rule != "none" && rule != "hash" && rule != "file") {
    ThrowOption("--split=" + rule + " needs labels; the " + ds.layout + " layout has none");
  }
  if (rule == "hash") {
    AssignHashSplit(ds, o.validation_percentage, o.testing_percentage);
  } else if (rule == "lists") {
    if (ds.layout != "speech_commands" || !HasSpeechCommandsLists(o.root)) {
      ThrowOption("--split=lists needs validation_list.txt or testing_list.txt in " + o.root +
                  " (speech_commands layout)");
    }
    const std::vector<std::string> empty = AssignListSplit(ds, o.root);
    if (!empty.empty()) {
      std::string names;
      for (const auto& e : empty) names += (names.empty() ? "" : " and ") + e;
      const std::string what = names + (empty.size() > 1 ? " list" : " lists") +
                               " no clip of the data set";
      // An explicit rule is refused; the automatic choice falls back to the
      // hash rule, so that no split is silently left empty.
      if (o.split == "lists") ThrowBadData(what + " (--split=lists)");
      ds.notes.push_back(what + ": split by the hash rule (validation_percentage " +
                         option_checks::Str(o.validation_percentage) + ", testing_percentage " +
                         option_checks::Str(o.testing_percentage) + ") instead");
      AssignHashSplit(ds, o.validation_percentage, o.testing_percentage);
    }
  } else if (rule == "stratified") {
    StratifiedSplit(ds, o.validation_fraction, o.test_fraction, o.seed);
  } else if (rule == "kfold") {
    StratifiedKFold(ds, o.folds, o.fold, o.seed, o.test_fraction);
  } else if (rule == "file") {
    ApplySplit(ds, LoadSplit(o.split_file), o.split_file, o.silence_label);
  } else if (labelled) {
    NoSplit(ds);
  }
}

}  // namespace

std::string DetectLayout(const std::string& root) {
  std::error_code ec;
  if (!fs::exists(root, ec)) ThrowIo(root + ": no such file or folder");
  if (fs::is_regular_file(root, ec)) {
    if (HasExtension(root, {"npz"})) return "npz";
    if (HasExtension(root, {"csv"})) {
      // A class column means one label per clip; otherwise shares per class.
      std::ifstream in(root);
      std::string header;
      std::getline(in, header);
      return ParseCsv(header, root).Column("label") >= 0 ? "csv" : "soft_csv";
    }
    if (HasExtension(root, {"wav", "flac", "ogg", "mp3"})) {
      ThrowBadData(root + ": one audio file, not a data set; give a folder, a .csv, a .npz or a list "
               "file (one audio path per line)");
    }
    return "list";
  }
  const fs::path dir(root);
  if (fs::exists(dir / "train_answer.csv")) return "soft_csv";
  if (fs::exists(dir / "train.csv")) return "csv";
  int npz = 0;
  bool word_folders = false, audio_files = false;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.empty() || name[0] == '.') continue;
    if (it->is_regular_file(ec)) {
      npz += HasExtension(name, {"npz"});
      audio_files |= HasExtension(name, {"wav", "flac", "ogg", "mp3"});
    } else if (it->is_directory(ec) && !word_folders) {
      for (fs::directory_iterator sub(it->path(), ec), send; !ec && sub != send; sub.increment(ec)) {
        if (HasExtension(sub->path().string(), {"wav"})) {
          word_folders = true;
          break;
        }
      }
    }
  }
  if (npz == 1) return "npz";
  if (word_folders) return "speech_commands";
  if (audio_files) return "folder";
  ThrowBadData(root + ": cannot tell the layout (no train_answer.csv, train.csv, one .npz, "
               "<label>/*.wav folders or audio files); give --layout");
}

// Option errors, from validation or from reading, name the key a recipe's
// --set takes (--data.wanted_words).
Dataset ReadDataset(const DataOptions& o) {
  return NamingOptions(o, "data", [&] {
    o.Validate();
    const std::string layout = o.layout == "auto" ? DetectLayout(o.root) : o.layout;
    Dataset ds = ReadLayout(o, layout);
    if (o.verified_only) DropUnverified(ds);
    KeepClasses(ds, o.keep);
    LimitPerClass(ds, o.max_per_class);
    AssignSplit(ds, o);
    ApplyWantedWords(ds, o, o.split != "file");
    OrderClasses(ds, o.classes, "--classes");
    return ds;
  });
}

Dataset ReadTestSet(const DataOptions& o) {
  return NamingOptions(o, "data", [&] {
    o.Validate();
    if (o.test_csv.empty()) ThrowOption("--test_csv is not set: no test list to read");
    const std::string layout = o.layout == "auto" ? DetectLayout(o.root) : o.layout;
    if (layout != "csv" && layout != "soft_csv") {
      ThrowOption("--test_csv applies to the csv and soft_csv layouts. Given layout: " + layout);
    }
    return ReadCsvTestSet(o, layout);
  });
}

}  // namespace earshot
