// Base64 (RFC 4648, standard alphabet, '=' padding), for embedding images
// and sounds in a report page as data: URIs.
//
//   std::string uri = "data:image/png;base64," + Base64Encode(ReadFile("curves_loss.png"));
#pragma once

#include <string>

namespace earshot::report {

std::string Base64Encode(const std::string& bytes);

// The inverse of Base64Encode. Line breaks and spaces are skipped; any other
// character outside the alphabet, or a length that is not a whole number
// of 4-character groups, throws Error(kBadData) naming `origin`.
std::string Base64Decode(const std::string& text, const std::string& origin = "base64 text");

}  // namespace earshot::report
