// NumPy .npz archives (zip of .npy members), as np.savez / np.savez_compressed
// write them, through libzip: stored and deflated members are read, CRC-32
// checked; members are written stored (zip64 when an archive needs it).
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "earshot/util/npy.h"

namespace earshot {

// Member names without the ".npy" suffix -> arrays.
// Every error names the file, and the member when one is at fault (a
// truncated or corrupt archive, a CRC mismatch, a member that is not .npy).
std::map<std::string, NpyArray> ReadNpz(const std::string& path);
// The same, from the archive's bytes in memory; `name` is used in messages.
std::map<std::string, NpyArray> ParseNpz(const std::string& bytes, const std::string& name);

// The member `name` of an archive read from `path`; a missing one is an
// error naming the file and listing the members there are.
const NpyArray& NpzMember(const std::map<std::string, NpyArray>& members,
                          const std::string& name, const std::string& path);

// members: name (without ".npy") -> encoded .npy bytes (EncodeNpy,
// EncodeNpyStrings). Written atomically.
void WriteNpz(const std::string& path,
              const std::vector<std::pair<std::string, std::string>>& members);
// The archive's bytes; `name` is used in messages.
std::string EncodeNpz(const std::vector<std::pair<std::string, std::string>>& members,
                      const std::string& name);

}  // namespace earshot
