// A version 1.0 .npy with any header dict, written by hand: for tests of
// headers that lie and for the npy fuzz target's seeds.
#pragma once

#include <string>

namespace earshot::testing {

// `dict` padded with spaces and '\n' so that `data` starts on a 64-byte
// boundary, after the magic and the header's length.
inline std::string NpyWithHeader(const std::string& dict, const std::string& data = "") {
  std::string header = dict;
  while ((10 + header.size() + 1) % 64) header += ' ';
  header += '\n';
  std::string out = "\x93NUMPY\x01";
  out += '\0';
  out += static_cast<char>(header.size() & 0xFF);
  out += static_cast<char>(header.size() >> 8);
  return out + header + data;
}

}  // namespace earshot::testing
