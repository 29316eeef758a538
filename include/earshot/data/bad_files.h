// Files that could not be decoded, each with its reason, and the policy that
// decides whether a load may go on without them. Nothing is dropped without
// being named here.
//
//   BadFileReport bad;             // filled by LoadClips
//   std::cerr << bad.Summary();    // "2 of 1000 files unreadable (0.2%), skipped:\n  a.wav: ..."
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "earshot/data/store_options.h"

namespace earshot {

struct BadFile {
  std::string path;
  std::string reason;  // as the decoder put it: "truncated: ...", "not a sound file (...)"
};

struct BadFileReport {
  int64_t files = 0;          // files tried
  std::vector<BadFile> bad;   // in data set order

  double Fraction() const;
  // One line of counts, then one line per bad file; empty when all were read.
  std::string Summary() const;
};

// The file `name` could not be read: the error's message without its
// leading "name: " (the decoder's messages start with the file name).
BadFile BadFileOf(const std::string& name, const std::string& message);

// Throws Error(kBadData) carrying the whole summary when on_bad_file = fail
// and a file is bad, or when the bad share exceeds max_bad_fraction.
void EnforceBadFilePolicy(const BadFileReport& report, const StoreOptions& options);

}  // namespace earshot
