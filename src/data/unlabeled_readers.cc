// Clips to predict: every audio file under a folder, or the paths of a list.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>

#include "earshot/util/error.h"
#include "earshot/util/utf8.h"
#include "layout_readers.h"

namespace earshot::data_internal {

namespace fs = std::filesystem;

bool HasExtension(const std::string& path, const std::vector<std::string>& extensions) {
  std::string ext = fs::path(path).extension().string();
  if (ext.size() < 2) return false;
  ext = ext.substr(1);
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (std::string e : extensions) {
    if (!e.empty() && e[0] == '.') e = e.substr(1);
    std::transform(e.begin(), e.end(), e.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (e == ext) return true;
  }
  return false;
}

Dataset ReadAudioFolder(const DataOptions& o) {
  if (!fs::is_directory(o.root)) ThrowIo(o.root + ": not a folder (folder layout)");
  Dataset ds;
  ds.root = o.root;
  ds.layout = "folder";
  std::vector<std::string> found;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(o.root, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (!name.empty() && name[0] == '.') {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file(ec) && HasExtension(name, o.extensions)) {
      found.push_back(fs::relative(it->path(), o.root).generic_string());
    }
  }
  if (ec) ThrowIo(o.root + ": cannot list (" + ec.message() + ")");
  std::sort(found.begin(), found.end());
  if (found.empty()) ThrowBadData(o.root + ": no audio files (extensions: " + [&] {
    std::string s;
    for (const auto& e : o.extensions) s += (s.empty() ? "" : ", ") + e;
    return s;
  }() + ")");
  for (const auto& rel : found) {
    ClipRef clip;
    clip.id = rel;
    clip.path = (fs::path(o.root) / rel).string();
    ds.clips.push_back(std::move(clip));
  }
  return ds;
}

Dataset ReadFileList(const DataOptions& o) {
  std::ifstream in(o.root);
  if (!in) ThrowIo(o.root + ": cannot open (list layout: one audio path per line)");
  Dataset ds;
  ds.root = o.root;
  ds.layout = "list";
  const fs::path base = fs::path(o.root).parent_path();
  std::string line;
  bool first = true;
  for (int64_t row = 1; std::getline(in, line); ++row) {
    if (first && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);  // byte-order mark
    first = false;
    if (line.find('\0') != std::string::npos || !IsValidUtf8(line)) {
      ThrowBadData(o.root + ": line " + std::to_string(row) +
                   " is not UTF-8 text (list layout: one audio path per line)");
    }
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) {
      line.pop_back();
    }
    size_t b = line.find_first_not_of(" \t");
    if (b == std::string::npos || line[b] == '#') continue;  // blank or comment
    line = line.substr(b);
    ClipRef clip;
    clip.id = line;
    clip.path = fs::path(line).is_absolute() ? line : (base / line).string();
    ds.clips.push_back(std::move(clip));
  }
  if (ds.clips.empty()) ThrowBadData(o.root + ": the list names no files");
  return ds;
}

}  // namespace earshot::data_internal
