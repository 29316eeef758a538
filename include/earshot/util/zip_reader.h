// The members of a zip archive in memory, through libzip: stored and
// deflated members read in pieces (what a damaged header promises is never
// allocated up front), each checked against its CRC-32. `.npz` archives
// and model bundles (LibTorch archives are zip files) are read through it.
#pragma once

#include <string>
#include <vector>

namespace earshot {

struct ZipMember {
  std::string name;
  std::string bytes;
};

// Every member in directory order. `name` names the archive in messages,
// `kind` what it should be (".npz archive", "model bundle"): an empty or
// truncated file, a damaged directory, a member whose bytes fail their
// CRC-32 or that holds more or fewer bytes than its header gives, an
// unsupported compression method: an Error naming the file, and the member
// when one is at fault.
std::vector<ZipMember> ReadZipMembers(const std::string& bytes, const std::string& name,
                                      const std::string& kind);

}  // namespace earshot
