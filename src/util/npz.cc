#include "earshot/util/npz.h"

#include <ctime>
#include <memory>

#include "libzip_handles.h"

#include "earshot/util/error.h"
#include "earshot/util/files.h"
#include "earshot/util/zip_reader.h"

namespace earshot {
namespace {

// A fixed member time (1980-01-02, noon UTC, after the MS-DOS epoch in any
// time zone) keeps archives byte-identical from run to run.
constexpr time_t kMemberTime = 315662400;

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
  return ParseNpz(ReadFile(path), path);
}

std::map<std::string, NpyArray> ParseNpz(const std::string& bytes, const std::string& name) {
  std::map<std::string, NpyArray> out;
  for (ZipMember& m : ReadZipMembers(bytes, name, ".npz archive")) {
    const std::string where = name + ": member " + m.name;
    const std::string key = WithoutSuffix(m.name);
    if (out.count(key)) ThrowBadData(where + ": appears twice in the archive");
    out[key] = ParseNpy(m.bytes, where);
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
  libzip::ErrorHolder error;
  zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error.error);
  if (!buffer) ThrowIo(name + ": cannot start an archive (libzip: " + error.Text() + ")");
  // The archive is written into `buffer`, which outlives the zip_t.
  zip_source_keep(buffer);
  std::unique_ptr<zip_source_t, decltype(&zip_source_free)> keep(buffer, zip_source_free);
  libzip::Archive archive(
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
