// NumPy .npz archives (zip of .npy members), as np.savez / np.savez_compressed
// write them: stored and deflated members are read; members are written
// stored.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "earshot/util/npy.h"

namespace earshot {

// Member names without the ".npy" suffix -> arrays.
std::map<std::string, NpyArray> ReadNpz(const std::string& path);

// The member `name` of an archive read from `path`; a missing one is an
// error naming the file and listing the members there are.
const NpyArray& NpzMember(const std::map<std::string, NpyArray>& members,
                          const std::string& name, const std::string& path);

// members: name (without ".npy") -> encoded .npy bytes (EncodeNpy,
// EncodeNpyStrings). Written atomically.
void WriteNpz(const std::string& path,
              const std::vector<std::pair<std::string, std::string>>& members);

}  // namespace earshot
