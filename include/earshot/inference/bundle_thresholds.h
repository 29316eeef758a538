// Storing detection thresholds in a model bundle after it was trained
// (`earshot eval-stream --write-thresholds`): BundleInfo::thresholds
// (inference/bundle.h), which the streaming detector reads.
//
//   SetBundleThresholds("run/best.bundle", {{"yes", 0.93}, {"no", 0.88}});
#pragma once

#include <map>
#include <string>

namespace earshot {

// Sets the detection thresholds of the labels in `thresholds` (the others
// keep theirs) and saves the bundle in place: written atomically, its
// checksum computed anew. A label the bundle does not have, or a value
// outside [0, 1], is an Error naming the bundle, which is left as it was.
void SetBundleThresholds(const std::string& path, const std::map<std::string, double>& thresholds);

}  // namespace earshot
