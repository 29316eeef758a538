#include "earshot/data/dataset.h"

#include "earshot/util/error.h"

namespace earshot {

const char* SplitName(Split s) {
  switch (s) {
    case Split::kTrain: return "train";
    case Split::kValidation: return "validation";
    case Split::kTest: return "test";
    case Split::kNone: return "none";
  }
  return "none";
}

Split ParseSplit(const std::string& name) {
  if (name == "train" || name == "training") return Split::kTrain;
  if (name == "validation") return Split::kValidation;
  if (name == "test" || name == "testing") return Split::kTest;
  if (name == "none") return Split::kNone;
  ThrowBadData("unknown split '" + name + "' (known: train, validation, test, none)");
}

}  // namespace earshot
