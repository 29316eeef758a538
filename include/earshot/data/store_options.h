// How a data set's audio is decoded into the clip store, and what to do with
// files that cannot be read.
//
//   StoreOptions o;                      // 2 threads, skip bad files, fail over 5 %
//   SetOption(o, "on_bad_file", "fail");
#pragma once

#include <string>

#include "earshot/util/options.h"

namespace earshot {

struct StoreOptions : Options {
  int threads = 2;                   // decoding threads; never more are started
  std::string on_bad_file = "skip";  // skip (and report) | fail
  double max_bad_fraction = 0.05;    // fail anyway when more than this share of files is bad

  void Visit(OptionVisitor& v) override;
  void Validate() const override;
};

}  // namespace earshot
