#include "earshot/util/npz.h"

#include <zlib.h>

#include <cstring>

#include "earshot/util/error.h"
#include "earshot/util/files.h"

namespace earshot {
namespace {

// Zip record signatures (APPNOTE.TXT 4.3).
constexpr uint32_t kLocalHeader = 0x04034b50;
constexpr uint32_t kCentralHeader = 0x02014b50;
constexpr uint32_t kEndOfCentral = 0x06054b50;
constexpr uint32_t kZip64Locator = 0x07064b50;
constexpr size_t kLocalHeaderSize = 30;
constexpr size_t kCentralHeaderSize = 46;
constexpr size_t kEndOfCentralSize = 22;
constexpr uint16_t kStored = 0;
constexpr uint16_t kDeflated = 8;
// 1980-01-01 00:00:00 in MS-DOS format: a fixed stamp keeps archives
// byte-identical from run to run.
constexpr uint16_t kDosTime = 0;
constexpr uint16_t kDosDate = (0 << 9) | (1 << 5) | 1;

uint16_t Get16(const std::string& b, size_t at) {
  return static_cast<uint16_t>(static_cast<unsigned char>(b[at]) |
                               static_cast<unsigned char>(b[at + 1]) << 8);
}
uint32_t Get32(const std::string& b, size_t at) {
  return static_cast<uint32_t>(Get16(b, at)) | static_cast<uint32_t>(Get16(b, at + 2)) << 16;
}
void Put16(std::string& b, uint16_t v) {
  b += static_cast<char>(v & 0xFF);
  b += static_cast<char>(v >> 8);
}
void Put32(std::string& b, uint32_t v) {
  Put16(b, static_cast<uint16_t>(v & 0xFFFF));
  Put16(b, static_cast<uint16_t>(v >> 16));
}

uint32_t Crc32(const std::string& bytes) {
  uLong crc = crc32(0L, Z_NULL, 0);
  // zlib takes uInt lengths; members here stay below 4 GiB (no zip64).
  crc = crc32(crc, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size()));
  return static_cast<uint32_t>(crc);
}

// Raw deflate (no zlib header), as zip stores it.
std::string Inflate(const std::string& in, size_t offset, size_t size, size_t expected,
                    const std::string& where) {
  std::string out(expected, '\0');
  z_stream zs{};
  if (inflateInit2(&zs, -MAX_WBITS) != Z_OK) ThrowBadData(where + ": zlib inflateInit2 failed");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data() + offset));
  zs.avail_in = static_cast<uInt>(size);
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(expected);
  const int rc = inflate(&zs, Z_FINISH);
  const size_t produced = zs.total_out;
  inflateEnd(&zs);
  if (rc != Z_STREAM_END || produced != expected) {
    ThrowBadData(where + ": corrupt deflate data (zlib: " +
                 (zs.msg ? std::string(zs.msg) : "code " + std::to_string(rc)) + ", " +
                 std::to_string(produced) + " of " + std::to_string(expected) + " bytes)");
  }
  return out;
}

std::string WithoutSuffix(const std::string& name) {
  const std::string suffix = ".npy";
  if (name.size() > suffix.size() &&
      name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
    return name.substr(0, name.size() - suffix.size());
  }
  return name;
}

}  // namespace

std::map<std::string, NpyArray> ReadNpz(const std::string& path) {
  const std::string bytes = ReadFile(path);
  if (bytes.size() < kEndOfCentralSize) {
    ThrowBadData(path + ": not a .npz archive: " + std::to_string(bytes.size()) +
                 " bytes is too short for a zip file");
  }
  // The end-of-central-directory record sits at the end, before a comment of
  // at most 65535 bytes.
  size_t eocd = std::string::npos;
  const size_t lowest = bytes.size() > kEndOfCentralSize + 65535
                            ? bytes.size() - kEndOfCentralSize - 65535 : 0;
  for (size_t at = bytes.size() - kEndOfCentralSize + 1; at-- > lowest;) {
    if (Get32(bytes, at) == kEndOfCentral) {
      eocd = at;
      break;
    }
  }
  if (eocd == std::string::npos) {
    ThrowBadData(path + ": not a .npz archive: no zip end-of-central-directory record "
                 "(not a zip file, or truncated)");
  }
  const uint16_t entries = Get16(bytes, eocd + 10);
  const uint32_t cd_size = Get32(bytes, eocd + 12);
  const uint32_t cd_offset = Get32(bytes, eocd + 16);
  if (entries == 0xFFFF || cd_size == 0xFFFFFFFF || cd_offset == 0xFFFFFFFF ||
      (eocd >= 20 && Get32(bytes, eocd - 20) == kZip64Locator)) {
    ThrowBadData(path + ": zip64 archive (over 4 GiB or 65535 members) is not supported");
  }
  if (static_cast<size_t>(cd_offset) + cd_size > eocd) {
    ThrowBadData(path + ": truncated .npz: central directory at byte " +
                 std::to_string(cd_offset) + " lies past the end of the archive");
  }
  std::map<std::string, NpyArray> out;
  size_t at = cd_offset;
  for (uint16_t i = 0; i < entries; ++i) {
    if (at + kCentralHeaderSize > eocd || Get32(bytes, at) != kCentralHeader) {
      ThrowBadData(path + ": corrupt .npz: central directory entry " + std::to_string(i) +
                   " is malformed");
    }
    const uint16_t method = Get16(bytes, at + 10);
    const uint32_t crc = Get32(bytes, at + 16);
    const uint32_t packed = Get32(bytes, at + 20);
    const uint32_t size = Get32(bytes, at + 24);
    const uint16_t name_len = Get16(bytes, at + 28);
    const uint16_t extra_len = Get16(bytes, at + 30);
    const uint16_t comment_len = Get16(bytes, at + 32);
    const uint32_t local = Get32(bytes, at + 42);
    if (at + kCentralHeaderSize + name_len > eocd) {
      ThrowBadData(path + ": corrupt .npz: member name of entry " + std::to_string(i) +
                   " runs past the central directory");
    }
    const std::string name = bytes.substr(at + kCentralHeaderSize, name_len);
    const std::string where = path + ": member " + name;
    at += kCentralHeaderSize + name_len + extra_len + comment_len;
    if (packed == 0xFFFFFFFF || size == 0xFFFFFFFF || local == 0xFFFFFFFF) {
      ThrowBadData(where + ": zip64 member (over 4 GiB) is not supported");
    }
    if (static_cast<size_t>(local) + kLocalHeaderSize > bytes.size() ||
        Get32(bytes, local) != kLocalHeader) {
      ThrowBadData(where + ": truncated or corrupt: no local header at byte " +
                   std::to_string(local));
    }
    // The local header's own name and extra lengths (numpy writes a zip64
    // extra field here that the central directory lacks).
    const size_t data = local + kLocalHeaderSize + Get16(bytes, local + 26) + Get16(bytes, local + 28);
    if (data + packed > bytes.size()) {
      ThrowBadData(where + ": truncated: " + std::to_string(packed) + " bytes promised, " +
                   std::to_string(bytes.size() > data ? bytes.size() - data : 0) + " present");
    }
    std::string member;
    if (method == kStored) {
      if (packed != size) ThrowBadData(where + ": stored member with differing sizes");
      member = bytes.substr(data, packed);
    } else if (method == kDeflated) {
      member = Inflate(bytes, data, packed, size, where);
    } else {
      ThrowBadData(where + ": compression method " + std::to_string(method) +
                   " is not supported (stored or deflated only)");
    }
    if (Crc32(member) != crc) ThrowBadData(where + ": CRC32 mismatch: the archive is corrupt");
    out[WithoutSuffix(name)] = ParseNpy(member, where);
  }
  return out;
}

const NpyArray& NpzMember(const std::map<std::string, NpyArray>& members,
                          const std::string& name, const std::string& path) {
  auto it = members.find(name);
  if (it == members.end()) {
    std::string known;
    for (const auto& m : members) known += (known.empty() ? "" : ", ") + m.first;
    ThrowBadData(path + ": no member '" + name + "' (members: " +
                 (known.empty() ? "none" : known) + ")");
  }
  return it->second;
}

void WriteNpz(const std::string& path,
              const std::vector<std::pair<std::string, std::string>>& members) {
  if (members.size() >= 0xFFFF) {
    ThrowOption(path + ": " + std::to_string(members.size()) +
                " members need zip64, which is not supported (at most 65534)");
  }
  std::string archive, directory;
  for (const auto& [name, npy] : members) {
    const std::string file = name + ".npy";
    if (file.size() > 0xFFFF) ThrowOption(path + ": member name too long: " + name);
    if (archive.size() + npy.size() + file.size() + kLocalHeaderSize >= 0xFFFFFFFFull) {
      ThrowOption(path + ": member " + name +
                  " would end past 4 GiB, which needs zip64 (not supported)");
    }
    const uint32_t crc = Crc32(npy);
    const uint32_t offset = static_cast<uint32_t>(archive.size());
    const uint32_t size = static_cast<uint32_t>(npy.size());
    Put32(archive, kLocalHeader);
    Put16(archive, 20);  // version needed: 2.0
    Put16(archive, 0);   // flags
    Put16(archive, kStored);
    Put16(archive, kDosTime);
    Put16(archive, kDosDate);
    Put32(archive, crc);
    Put32(archive, size);
    Put32(archive, size);
    Put16(archive, static_cast<uint16_t>(file.size()));
    Put16(archive, 0);  // extra length
    archive += file;
    archive += npy;

    Put32(directory, kCentralHeader);
    Put16(directory, 20);  // made by: 2.0, MS-DOS attributes
    Put16(directory, 20);
    Put16(directory, 0);
    Put16(directory, kStored);
    Put16(directory, kDosTime);
    Put16(directory, kDosDate);
    Put32(directory, crc);
    Put32(directory, size);
    Put32(directory, size);
    Put16(directory, static_cast<uint16_t>(file.size()));
    Put16(directory, 0);  // extra
    Put16(directory, 0);  // comment
    Put16(directory, 0);  // disk
    Put16(directory, 0);  // internal attributes
    Put32(directory, 0);  // external attributes
    Put32(directory, offset);
    directory += file;
  }
  if (archive.size() + directory.size() >= 0xFFFFFFFFull) {
    ThrowOption(path + ": archive over 4 GiB needs zip64, which is not supported");
  }
  const uint32_t cd_offset = static_cast<uint32_t>(archive.size());
  const uint32_t cd_size = static_cast<uint32_t>(directory.size());
  archive += directory;
  Put32(archive, kEndOfCentral);
  Put16(archive, 0);  // this disk
  Put16(archive, 0);  // disk with the directory
  Put16(archive, static_cast<uint16_t>(members.size()));
  Put16(archive, static_cast<uint16_t>(members.size()));
  Put32(archive, cd_size);
  Put32(archive, cd_offset);
  Put16(archive, 0);  // comment length
  WriteFileAtomic(path, archive);
}

}  // namespace earshot
