// Owners of libzip's handles, for the zip reader and the .npz writer: a
// unique_ptr per handle and an error that is always finalised. Private to
// util/: public headers do not include <zip.h>.
#pragma once

#include <zip.h>

#include <memory>
#include <string>

namespace earshot::libzip {

struct ArchiveCloser {
  void operator()(zip_t* z) const { zip_discard(z); }
};
struct FileCloser {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};
using Archive = std::unique_ptr<zip_t, ArchiveCloser>;
using File = std::unique_ptr<zip_file_t, FileCloser>;

struct ErrorHolder {
  zip_error_t error;
  ErrorHolder() { zip_error_init(&error); }
  ~ErrorHolder() { zip_error_fini(&error); }
  ErrorHolder(const ErrorHolder&) = delete;
  ErrorHolder& operator=(const ErrorHolder&) = delete;
  std::string Text() { return zip_error_strerror(&error); }
};

}  // namespace earshot::libzip
