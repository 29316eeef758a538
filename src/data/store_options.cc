#include "earshot/data/store_options.h"

#include "earshot/util/option_checks.h"

namespace earshot {

void StoreOptions::Visit(OptionVisitor& v) {
  v.Field("threads", threads, "decoding threads");
  v.Field("on_bad_file", on_bad_file, "skip (and report) | fail");
  v.Field("max_bad_fraction", max_bad_fraction, "fail when more than this share of files is bad");
}

void StoreOptions::Validate() const {
  using namespace option_checks;
  InRange("threads", threads, 1, 256);
  OneOf("on_bad_file", on_bad_file, {"skip", "fail"});
  InRange("max_bad_fraction", max_bad_fraction, 0.0, 1.0);
}

}  // namespace earshot
