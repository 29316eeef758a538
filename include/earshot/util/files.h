// Small file helpers shared by every stage: whole-file reads, atomic writes
// (temporary file, then rename, so a crash never leaves half a checkpoint),
// directories.
#pragma once

#include <string>

namespace earshot {

std::string ReadFile(const std::string& path);
// Writes `bytes` to path.tmp, flushes it to disk (fsync), then renames it
// over `path`: a crash or a full disk leaves the previous file whole. Errors
// name the file and the system's reason ("No space left on device").
void WriteFileAtomic(const std::string& path, const std::string& bytes);
// Test hook, for the fault tests (docs/reliability.md): the N-th later
// WriteFileAtomic whose path contains PART (any path without one) stops
// halfway through its temporary file, failing with ENOSPC as a full disk
// does ("enospc:N[:PART]"), or killing the process with SIGKILL
// ("kill:N[:PART]"); "" clears it. The environment variable EARSHOT_FAULT,
// read at the first write, sets the same for a whole process.
void SetWriteFaultForTesting(const std::string& spec);
// Creates the directory and its parents; an existing directory is fine.
void MakeDirs(const std::string& path);
bool FileExists(const std::string& path);
// `path` made absolute against the working directory and normalised
// ("a/../b" -> "b"); an empty path stays empty.
std::string AbsolutePath(const std::string& path);

}  // namespace earshot
