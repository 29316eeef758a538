#include "earshot/util/zip_reader.h"

#include <memory>

#include "libzip_handles.h"

#include "earshot/util/error.h"

namespace earshot {
namespace {

constexpr size_t kReadChunk = 1 << 16;

// A member's bytes, libzip checking its CRC-32 at the end.
std::string ReadMember(zip_t* archive, zip_uint64_t index, zip_uint64_t size,
                       const std::string& where) {
  libzip::File file(zip_fopen_index(archive, index, 0));
  if (!file) {
    const zip_error_t* e = zip_get_error(archive);
    if (zip_error_code_zip(e) == ZIP_ER_COMPNOTSUPP) {
      ThrowBadData(where + ": compression method is not supported (stored or deflated only)");
    }
    ThrowBadData(where + ": cannot be read (libzip: " + zip_strerror(archive) + ")");
  }
  std::string out;
  std::string chunk(kReadChunk, '\0');
  for (;;) {
    const zip_int64_t n = zip_fread(file.get(), chunk.data(), chunk.size());
    if (n < 0) {
      const zip_error_t* e = zip_file_get_error(file.get());
      if (zip_error_code_zip(e) == ZIP_ER_CRC) {
        ThrowBadData(where + ": CRC32 checksum mismatch: the archive is corrupt");
      }
      ThrowBadData(where + ": truncated or corrupt (libzip: " +
                   zip_file_strerror(file.get()) + ")");
    }
    if (n == 0) break;
    out.append(chunk.data(), static_cast<size_t>(n));
    if (out.size() > size) {
      ThrowBadData(where + ": holds more than the " + std::to_string(size) +
                   " bytes its header gives: the archive is corrupt");
    }
  }
  if (out.size() != size) {
    ThrowBadData(where + ": truncated: " + std::to_string(size) + " bytes promised, " +
                 std::to_string(out.size()) + " present");
  }
  return out;
}

}  // namespace

std::vector<ZipMember> ReadZipMembers(const std::string& bytes, const std::string& name,
                                      const std::string& kind) {
  if (bytes.empty()) ThrowBadData(name + ": not a " + kind + ": the file is empty");
  libzip::ErrorHolder holder;
  zip_error_t& error = holder.error;
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (!source) ThrowBadData(name + ": cannot be read (libzip: " + holder.Text() + ")");
  libzip::Archive archive(zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error));
  if (!archive) {
    zip_source_free(source);
    if (zip_error_code_zip(&error) == ZIP_ER_NOZIP) {
      ThrowBadData(name + ": not a " + kind + ": no zip end-of-central-directory record "
                   "(not a zip file, or truncated)");
    }
    ThrowBadData(name + ": truncated or corrupt " + kind + " (libzip: " + holder.Text() + ")");
  }
  const zip_int64_t entries = zip_get_num_entries(archive.get(), 0);
  std::vector<ZipMember> out;
  for (zip_int64_t i = 0; i < entries; ++i) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(archive.get(), static_cast<zip_uint64_t>(i), 0, &st) != 0 ||
        !(st.valid & ZIP_STAT_NAME) || !(st.valid & ZIP_STAT_SIZE)) {
      ThrowBadData(name + ": corrupt " + kind + ": entry " + std::to_string(i) + " of the directory (libzip: " +
                   zip_strerror(archive.get()) + ")");
    }
    ZipMember m;
    m.name = st.name;
    m.bytes = ReadMember(archive.get(), static_cast<zip_uint64_t>(i), st.size, name + ": member " + m.name);
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace earshot
