#include "earshot/util/npy.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <regex>
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

// UTF-32 code points to UTF-8.
std::string Utf32ToUtf8(const char* p, int chars) {
  std::string s;
  for (int i = 0; i < chars; ++i) {
    uint32_t c;
    std::memcpy(&c, p + 4 * i, 4);
    if (c == 0) break;
    if (c < 0x80) s += static_cast<char>(c);
    else if (c < 0x800) { s += static_cast<char>(0xC0 | (c >> 6)); s += static_cast<char>(0x80 | (c & 0x3F)); }
    else if (c < 0x10000) { s += static_cast<char>(0xE0 | (c >> 12)); s += static_cast<char>(0x80 | ((c >> 6) & 0x3F)); s += static_cast<char>(0x80 | (c & 0x3F)); }
    else { s += static_cast<char>(0xF0 | (c >> 18)); s += static_cast<char>(0x80 | ((c >> 12) & 0x3F)); s += static_cast<char>(0x80 | ((c >> 6) & 0x3F)); s += static_cast<char>(0x80 | (c & 0x3F)); }
  }
  return s;
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
  std::smatch m;
  if (!std::regex_search(header, m, std::regex("'descr':\\s*'([^']+)'"))) {
    ThrowBadData(name + ": .npy header has no descr");
  }
  const std::string descr = m[1];
  if (std::regex_search(header, std::regex("'fortran_order':\\s*True"))) {
    ThrowBadData(name + ": Fortran-order arrays are not supported; save with C order");
  }
  if (!std::regex_search(header, m, std::regex("'shape':\\s*\\(([^)]*)\\)"))) {
    ThrowBadData(name + ": .npy header has no shape");
  }
  NpyArray arr;
  int64_t count = 1;
  {
    std::stringstream dims(m[1].str());
    std::string d;
    while (std::getline(dims, d, ',')) {
      if (d.find_first_not_of(" ") == std::string::npos) continue;
      arr.shape.push_back(std::stoll(d));
      count *= arr.shape.back();
    }
  }
  const char* data = bytes.data() + header_start + header_len;
  const size_t avail = bytes.size() - header_start - header_len;
  auto need = [&](size_t item) {
    if (avail < static_cast<size_t>(count) * item) {
      ThrowBadData(name + ": truncated .npy data: " + std::to_string(count) + " items of " +
                   std::to_string(item) + " bytes promised, " + std::to_string(avail) + " bytes present");
    }
  };
  if (descr == "<f4") { need(4); Convert<float>(data, count, arr.data); }
  else if (descr == "<f8") { need(8); Convert<double>(data, count, arr.data); }
  else if (descr == "<i8") { need(8); Convert<int64_t>(data, count, arr.data); }
  else if (descr == "<i4") { need(4); Convert<int32_t>(data, count, arr.data); }
  else if (descr == "<i2") { need(2); Convert<int16_t>(data, count, arr.data); }
  else if (descr[0] == '<' && descr[1] == 'U') {
    const int chars = std::stoi(descr.substr(2));
    need(static_cast<size_t>(chars) * 4);
    arr.is_string = true;
    for (int64_t i = 0; i < count; ++i) arr.strings.push_back(Utf32ToUtf8(data + i * chars * 4, chars));
  } else if (descr[0] == '|' && descr[1] == 'S') {
    const int chars = std::stoi(descr.substr(2));
    need(static_cast<size_t>(chars));
    arr.is_string = true;
    for (int64_t i = 0; i < count; ++i) {
      std::string s(data + i * chars, static_cast<size_t>(chars));
      arr.strings.push_back(s.substr(0, s.find('\0')));
    }
  } else {
    ThrowBadData(name + ": unsupported .npy dtype '" + descr + "' (float32/64, int16/32/64, str)");
  }
  return arr;
}

}  // namespace earshot
