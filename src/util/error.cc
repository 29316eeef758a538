#include "earshot/util/error.h"

namespace earshot {

void ThrowOption(const std::string& m) { throw Error(ErrorKind::kInvalidOption, m); }
void ThrowIo(const std::string& m) { throw Error(ErrorKind::kIo, m); }
void ThrowBadData(const std::string& m) { throw Error(ErrorKind::kBadData, m); }
void ThrowMismatch(const std::string& m) { throw Error(ErrorKind::kMismatch, m); }

}  // namespace earshot
