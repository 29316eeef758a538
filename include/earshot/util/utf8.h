// UTF-8 validation: text that ends up in JSON (option values in bundles and
// run folders, labels) must be valid UTF-8, or writing it fails late.
#pragma once

#include <string>

namespace earshot {

// True when `text` is well-formed UTF-8 (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF).
bool IsValidUtf8(const std::string& text);

}  // namespace earshot
