#include "earshot/util/npy.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>

#include "earshot/util/error.h"
#include "earshot/util/files.h"

namespace earshot {
namespace {

const char kMagic[] = "\x93NUMPY";

template <typename T>
void Convert(const char* src, int64_t count, std::vector<float>& out) {
  out.resize(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) {
    T v;
    std::memcpy(&v, src + i * static_cast<int64_t>(sizeof(T)), sizeof(T));
    out[static_cast<size_t>(i)] = static_cast<float>(v);
  }
}

// UTF-32 code points to UTF-8; a value that is no code point (a
// surrogate, above U+10FFFF) is an error naming `name`.
std::string Utf32ToUtf8(const char* p, int64_t chars, const std::string& name) {
  std::string s;
  for (int64_t i = 0; i < chars; ++i) {
    uint32_t c;
    std::memcpy(&c, p + 4 * i, 4);
    if (c == 0) break;
    if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
      ThrowBadData(name + ": string holds " + std::to_string(c) + ", which is not a unicode code point");
    }
    if (c < 0x80) s += static_cast<char>(c);
    else if (c < 0x800) { s += static_cast<char>(0xC0 | (c >> 6)); s += static_cast<char>(0x80 | (c & 0x3F)); }
    else if (c < 0x10000) { s += static_cast<char>(0xE0 | (c >> 12)); s += static_cast<char>(0x80 | ((c >> 6) & 0x3F)); s += static_cast<char>(0x80 | (c & 0x3F)); }
    else { s += static_cast<char>(0xF0 | (c >> 18)); s += static_cast<char>(0x80 | ((c >> 12) & 0x3F)); s += static_cast<char>(0x80 | ((c >> 6) & 0x3F)); s += static_cast<char>(0x80 | (c & 0x3F)); }
  }
  return s;
}

// Where the value of `key` starts in a .npy header dict ('key': value),
// spaces skipped; npos when the key is absent.
size_t HeaderValue(const std::string& header, const std::string& key) {
  size_t at = header.find("'" + key + "'");
  if (at == std::string::npos) return at;
  at = header.find_first_not_of(' ', at + key.size() + 2);
  if (at == std::string::npos || header[at] != ':') return std::string::npos;
  return header.find_first_not_of(' ', at + 1);
}

// A size in a .npy header (a dimension, a string width): decimal digits
// only, at most 2^48, so that products of sizes are checked without
// overflow.
constexpr int64_t kMaxNpySize = int64_t{1} << 48;
int64_t ParseNpySize(const std::string& text, const std::string& what, const std::string& name) {
  const size_t b = text.find_first_not_of(' ');
  const size_t e = text.find_last_not_of(' ');
  const std::string digits = b == std::string::npos ? "" : text.substr(b, e - b + 1);
  if (digits.empty() || digits.size() > 15 ||
      digits.find_first_not_of("0123456789") != std::string::npos ||
      std::stoll(digits) > kMaxNpySize) {
    ThrowBadData(name + ": .npy " + what + " '" + text + "' is not a size");
  }
  return std::stoll(digits);
}

// The magic, version 1.0 and the header dict, padded so that the data
// starts on a 64-byte boundary, ending with '\n'. Returns the item count.
int64_t AppendHeader(const std::string& descr, const std::vector<int64_t>& shape,
                     std::string& out) {
  std::ostringstream dict;
  dict << "{'descr': '" << descr << "', 'fortran_order': False, 'shape': (";
  int64_t count = 1;
  for (size_t i = 0; i < shape.size(); ++i) {
    dict << shape[i] << (shape.size() == 1 || i + 1 < shape.size() ? "," : "");
    if (i + 1 < shape.size()) dict << " ";
    count *= shape[i];
  }
  dict << "), }";
  std::string header = dict.str();
  const size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  out.append(kMagic, 6);
  out += '\x01';
  out += '\x00';
  const uint16_t len = static_cast<uint16_t>(header.size());
  out += static_cast<char>(len & 0xFF);
  out += static_cast<char>(len >> 8);
  out += header;
  return count;
}

// UTF-8 to code points; `index` names the string in error messages.
std::vector<uint32_t> Utf8ToUtf32(const std::string& s, size_t index) {
  std::vector<uint32_t> out;
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    // Continuation bytes after the lead byte.
    const int extra = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xE ? 2 : (c >> 3) == 0x1E ? 3 : -1;
    if (extra < 0 || i + static_cast<size_t>(extra) >= s.size() + (extra == 0)) {
      ThrowBadData("EncodeNpyStrings: string " + std::to_string(index) + " is not valid UTF-8");
    }
    uint32_t cp = extra == 0 ? c : c & (0x3F >> extra);
    for (int k = 1; k <= extra; ++k) {
      const unsigned char cc = static_cast<unsigned char>(s[i + static_cast<size_t>(k)]);
      if ((cc >> 6) != 0x2) {
        ThrowBadData("EncodeNpyStrings: string " + std::to_string(index) + " is not valid UTF-8");
      }
      cp = (cp << 6) | (cc & 0x3F);
    }
    out.push_back(cp);
    i += static_cast<size_t>(extra) + 1;
  }
  return out;
}

}  // namespace

std::string EncodeNpy(const std::vector<int64_t>& shape, const float* data) {
  std::string out;
  const int64_t count = AppendHeader("<f4", shape, out);
  out.append(reinterpret_cast<const char*>(data), static_cast<size_t>(count) * sizeof(float));
  return out;
}

std::string EncodeNpyStrings(const std::vector<int64_t>& shape,
                             const std::vector<std::string>& strings) {
  std::vector<std::vector<uint32_t>> points;
  size_t width = 1;  // numpy never writes '<U0'
  for (size_t i = 0; i < strings.size(); ++i) {
    points.push_back(Utf8ToUtf32(strings[i], i));
    width = std::max(width, points.back().size());
  }
  std::string out;
  const int64_t count = AppendHeader("<U" + std::to_string(width), shape, out);
  if (count != static_cast<int64_t>(strings.size())) {
    ThrowMismatch("EncodeNpyStrings: shape holds " + std::to_string(count) + " items, " +
                  std::to_string(strings.size()) + " strings given");
  }
  for (const auto& p : points) {
    std::vector<uint32_t> padded(p);
    padded.resize(width, 0);
    out.append(reinterpret_cast<const char*>(padded.data()), width * 4);
  }
  return out;
}

void WriteNpy(const std::string& path, const std::vector<int64_t>& shape, const float* data) {
  WriteFileAtomic(path, EncodeNpy(shape, data));
}

NpyArray ReadNpy(const std::string& path) { return ParseNpy(ReadFile(path), path); }

NpyArray ParseNpy(const std::string& bytes, const std::string& name) {
  if (bytes.size() < 10 || bytes.compare(0, 6, kMagic, 6) != 0) {
    ThrowBadData(name + ": not a .npy array (bad magic)");
  }
  const int major = static_cast<unsigned char>(bytes[6]);
  size_t header_len, header_start;
  if (major == 1) {
    header_len = static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
    header_start = 10;
  } else {
    if (bytes.size() < 12) ThrowBadData(name + ": truncated .npy header");
    uint32_t l;
    std::memcpy(&l, bytes.data() + 8, 4);
    header_len = l;
    header_start = 12;
  }
  if (header_start + header_len > bytes.size()) ThrowBadData(name + ": truncated .npy header");
  const std::string header = bytes.substr(header_start, header_len);
  // The header is a Python dict literal; its values are read by hand, not
  // with std::regex, whose matching recurses per character of a long header.
  size_t at = HeaderValue(header, "descr");
  const size_t descr_end = at == std::string::npos || header[at] != '\'' ? std::string::npos
                                                                            : header.find('\'', at + 1);
  if (descr_end == std::string::npos || descr_end == at + 1) {
    ThrowBadData(name + ": .npy header has no descr");
  }
  const std::string descr = header.substr(at + 1, descr_end - at - 1);
  at = HeaderValue(header, "fortran_order");
  if (at != std::string::npos && header.compare(at, 4, "True") == 0) {
    ThrowBadData(name + ": Fortran-order arrays are not supported; save with C order");
  }
  at = HeaderValue(header, "shape");
  const size_t shape_end = at == std::string::npos || header[at] != '(' ? std::string::npos
                                                                        : header.find(')', at);
  if (shape_end == std::string::npos) ThrowBadData(name + ": .npy header has no shape");
  const std::string shape_text = header.substr(at + 1, shape_end - at - 1);
  NpyArray arr;
  int64_t count = 1;
  {
    std::stringstream dims(shape_text);
    std::string d;
    while (std::getline(dims, d, ',')) {
      if (d.find_first_not_of(" ") == std::string::npos) continue;
      arr.shape.push_back(ParseNpySize(d, "shape (" + shape_text + "): size", name));
      if (arr.shape.back() > 0 && count > kMaxNpySize / arr.shape.back()) {
        ThrowBadData(name + ": .npy shape (" + shape_text + ") holds more than 2^48 items");
      }
      count *= arr.shape.back();
    }
  }
  const char* data = bytes.data() + header_start + header_len;
  const size_t avail = bytes.size() - header_start - header_len;
  // Sizes are at most 2^48 each: count * item is checked by division.
  auto need = [&](int64_t item) {
    if (count > 0 && static_cast<int64_t>(avail) / item < count) {
      ThrowBadData(name + ": truncated .npy data: " + std::to_string(count) + " items of " +
                   std::to_string(item) + " bytes promised, " + std::to_string(avail) + " bytes present");
    }
  };
  if (descr == "<f4") { need(4); Convert<float>(data, count, arr.data); }
  else if (descr == "<f8") { need(8); Convert<double>(data, count, arr.data); }
  else if (descr == "<i8") { need(8); Convert<int64_t>(data, count, arr.data); }
  else if (descr == "<i4") { need(4); Convert<int32_t>(data, count, arr.data); }
  else if (descr == "<i2") { need(2); Convert<int16_t>(data, count, arr.data); }
  else if ((descr[0] == '<' && descr[1] == 'U') || (descr[0] == '|' && descr[1] == 'S')) {
    const bool unicode = descr[1] == 'U';
    const int64_t chars = ParseNpySize(descr.substr(2), "string width of '" + descr + "':", name);
    if (chars == 0) ThrowBadData(name + ": .npy dtype '" + descr + "' holds strings of width 0");
    const int64_t item = unicode ? chars * 4 : chars;
    need(item);
    arr.is_string = true;
    for (int64_t i = 0; i < count; ++i) {
      const char* at = data + i * item;
      if (unicode) {
        arr.strings.push_back(Utf32ToUtf8(at, chars, name));
      } else {
        std::string s(at, static_cast<size_t>(chars));
        arr.strings.push_back(s.substr(0, s.find('\0')));
      }
    }
  } else {
    ThrowBadData(name + ": unsupported .npy dtype '" + descr + "' (float32/64, int16/32/64, str)");
  }
  return arr;
}

}  // namespace earshot
