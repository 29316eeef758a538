#include "earshot/util/npz.h"

#include <zip.h>

#include <ctime>
#include <memory>

#include "earshot/util/error.h"
#include "earshot/util/files.h"

namespace earshot {
namespace {

struct ZipCloser {
  void operator()(zip_t* z) const { zip_discard(z); }
};
struct ZipFileCloser {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};
struct ZipErrorHolder {
  zip_error_t error;
  ZipErrorHolder() { zip_error_init(&error); }
  ~ZipErrorHolder() { zip_error_fini(&error); }
  std::string Text() { return zip_error_strerror(&error); }
};

// A fixed member time (1980-01-02, noon UTC, after the MS-DOS epoch in any
// time zone) keeps archives byte-identical from run to run.
constexpr time_t kMemberTime = 315662400;

// Reads members in pieces: what a damaged header promises is never
// allocated up front.
constexpr size_t kReadChunk = 1 << 16;

std::string WithoutSuffix(const std::string& name) {
  const std::string suffix = ".npy";
  if (name.size() > suffix.size() &&
      name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
    return name.substr(0, name.size() - suffix.size());
  }
  return name;
}

// A member's bytes, libzip checking its CRC-32 at the end.
std::string ReadMember(zip_t* archive, zip_uint64_t index, zip_uint64_t size,
                       const std::string& where) {
  std::unique_ptr<zip_file_t, ZipFileCloser> file(zip_fopen_index(archive, index, 0));
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
        ThrowBadData(where + ": CRC32 mismatch: the archive is corrupt");
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

std::map<std::string, NpyArray> ReadNpz(const std::string& path) {
  return ParseNpz(ReadFile(path), path);
}

std::map<std::string, NpyArray> ParseNpz(const std::string& bytes, const std::string& name) {
  if (bytes.empty()) ThrowBadData(name + ": not a .npz archive: the file is empty");
  ZipErrorHolder error;
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error.error);
  if (!source) ThrowBadData(name + ": cannot be read (libzip: " + error.Text() + ")");
  std::unique_ptr<zip_t, ZipCloser> archive(
      zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error.error));
  if (!archive) {
    zip_source_free(source);
    if (zip_error_code_zip(&error.error) == ZIP_ER_NOZIP) {
      ThrowBadData(name + ": not a .npz archive: no zip end-of-central-directory record "
                   "(not a zip file, or truncated)");
    }
    ThrowBadData(name + ": truncated or corrupt .npz archive (libzip: " + error.Text() + ")");
  }
  const zip_int64_t entries = zip_get_num_entries(archive.get(), 0);
  std::map<std::string, NpyArray> out;
  for (zip_int64_t i = 0; i < entries; ++i) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(archive.get(), static_cast<zip_uint64_t>(i), 0, &st) != 0 ||
        !(st.valid & ZIP_STAT_NAME) || !(st.valid & ZIP_STAT_SIZE)) {
      ThrowBadData(name + ": corrupt .npz: entry " + std::to_string(i) + " of the directory (libzip: " +
                   zip_strerror(archive.get()) + ")");
    }
    const std::string member = st.name;
    const std::string where = name + ": member " + member;
    const std::string key = WithoutSuffix(member);
    if (out.count(key)) ThrowBadData(where + ": appears twice in the archive");
    out[key] = ParseNpy(ReadMember(archive.get(), static_cast<zip_uint64_t>(i), st.size, where),
                        where);
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

std::string EncodeNpz(const std::vector<std::pair<std::string, std::string>>& members,
                      const std::string& name) {
  ZipErrorHolder error;
  zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error.error);
  if (!buffer) ThrowIo(name + ": cannot start an archive (libzip: " + error.Text() + ")");
  // The archive is written into `buffer`, which outlives the zip_t.
  zip_source_keep(buffer);
  std::unique_ptr<zip_source_t, decltype(&zip_source_free)> keep(buffer, zip_source_free);
  std::unique_ptr<zip_t, ZipCloser> archive(
      zip_open_from_source(buffer, ZIP_TRUNCATE, &error.error));
  if (!archive) ThrowIo(name + ": cannot start an archive (libzip: " + error.Text() + ")");
  for (const auto& [member, npy] : members) {
    const std::string file = member + ".npy";
    zip_source_t* data = zip_source_buffer(archive.get(), npy.data(), npy.size(), 0);
    const zip_int64_t index =
        data ? zip_file_add(archive.get(), file.c_str(), data, ZIP_FL_ENC_UTF_8) : -1;
    if (index < 0) {
      if (data) zip_source_free(data);
      ThrowOption(name + ": member " + member + " cannot be added (libzip: " +
                  zip_strerror(archive.get()) + ")");
    }
    const auto at = static_cast<zip_uint64_t>(index);
    if (zip_set_file_compression(archive.get(), at, ZIP_CM_STORE, 0) != 0 ||
        zip_file_set_mtime(archive.get(), at, kMemberTime, 0) != 0) {
      ThrowIo(name + ": member " + member + " (libzip: " + zip_strerror(archive.get()) + ")");
    }
  }
  if (zip_close(archive.get()) != 0) {
    ThrowIo(name + ": cannot write the archive (libzip: " + zip_strerror(archive.get()) + ")");
  }
  archive.release();  // zip_close freed it
  zip_stat_t st;
  if (zip_source_stat(buffer, &st) != 0 || zip_source_open(buffer) != 0) {
    ThrowIo(name + ": cannot read the archive back (libzip: " +
            zip_error_strerror(zip_source_error(buffer)) + ")");
  }
  std::string out(st.size, '\0');
  const zip_int64_t n = zip_source_read(buffer, out.data(), out.size());
  zip_source_close(buffer);
  if (n != static_cast<zip_int64_t>(out.size())) {
    ThrowIo(name + ": cannot read the archive back (short read)");
  }
  return out;
}

void WriteNpz(const std::string& path,
              const std::vector<std::pair<std::string, std::string>>& members) {
  WriteFileAtomic(path, EncodeNpz(members, path));
}

}  // namespace earshot
