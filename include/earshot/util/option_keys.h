// The options an error message names: "--noisy_share should be in [0, 1]"
// names `noisy_share`. Option structs name their fields so (see
// util/options.h); callers rename them by the key or flag the user gave
// (QualifyOptionKeys: `--features.n_mels`; `earshot synth`: `--noisy-share`).
#pragma once

#include <functional>
#include <string>

namespace earshot {

// `message` with the KEY of each "--KEY" in it (letters, digits, '_' and
// '.', less a full stop at the end) replaced by rename(KEY).
std::string RenameOptionKeys(const std::string& message,
                             const std::function<std::string(const std::string&)>& rename);

}  // namespace earshot
