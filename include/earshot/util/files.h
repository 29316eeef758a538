// Small file helpers shared by every stage: whole-file reads, atomic writes
// (temporary file, then rename, so a crash never leaves half a checkpoint),
// directories.
#pragma once

#include <string>

namespace earshot {

std::string ReadFile(const std::string& path);
// Writes `bytes` to path.tmp, flushes, then renames over `path`.
void WriteFileAtomic(const std::string& path, const std::string& bytes);
// Creates the directory and its parents; an existing directory is fine.
void MakeDirs(const std::string& path);
bool FileExists(const std::string& path);
// `path` made absolute against the working directory and normalised
// ("a/../b" -> "b"); an empty path stays empty.
std::string AbsolutePath(const std::string& path);

}  // namespace earshot
