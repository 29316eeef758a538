// SHA-1 (FIPS 180-4), for the Speech Commands split rule, which hashes
// speaker names with it. Not for security.
#pragma once

#include <string>
#include <string_view>

namespace earshot {

// The 40 lowercase hex digits of SHA-1(bytes).
std::string Sha1Hex(std::string_view bytes);

}  // namespace earshot
