#include "earshot/util/files.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <system_error>

#include "earshot/util/error.h"

namespace earshot {
namespace {

// The write fault of EARSHOT_FAULT or SetWriteFaultForTesting.
struct WriteFault {
  std::string action;  // "" (none), "enospc" or "kill"
  long nth = 0;        // the matching write that fails, from 1
  std::string match;   // part of the path; empty matches every path
  long seen = 0;       // matching writes so far
};

WriteFault ParseWriteFault(const std::string& spec) {
  WriteFault f;
  if (spec.empty()) return f;
  const size_t a = spec.find(':');
  const size_t b = a == std::string::npos ? std::string::npos : spec.find(':', a + 1);
  f.action = spec.substr(0, a);
  char* end = nullptr;
  const std::string nth = a == std::string::npos ? "" : spec.substr(a + 1, b == std::string::npos ? b : b - a - 1);
  f.nth = std::strtol(nth.c_str(), &end, 10);
  if ((f.action != "enospc" && f.action != "kill") || nth.empty() || *end != '\0' || f.nth < 1) {
    ThrowOption("EARSHOT_FAULT: '" + spec + "' should be enospc:N[:PART] or kill:N[:PART], N >= 1");
  }
  if (b != std::string::npos) f.match = spec.substr(b + 1);
  return f;
}

std::mutex fault_mutex;
bool fault_read = false;
WriteFault fault;

// How many bytes of this write may reach the disk before the fault acts;
// SIZE_MAX when none acts on it.
size_t FaultLimit(const std::string& path, size_t size, std::string& action) {
  std::lock_guard<std::mutex> lock(fault_mutex);
  if (!fault_read) {
    const char* env = std::getenv("EARSHOT_FAULT");
    fault = ParseWriteFault(env ? env : "");
    fault_read = true;
  }
  if (fault.action.empty() || path.find(fault.match) == std::string::npos) return SIZE_MAX;
  if (++fault.seen != fault.nth) return SIZE_MAX;
  action = fault.action;
  return size / 2;
}

[[noreturn]] void FailWrite(int fd, const std::string& tmp, const std::string& path, const std::string& what,
                            int error) {
  if (fd >= 0) ::close(fd);
  std::remove(tmp.c_str());
  ThrowIo(path + ": cannot write: " + what + ": " + std::strerror(error) + " (the previous " + path +
          ", if any, is left as it was)");
}

}  // namespace

void SetWriteFaultForTesting(const std::string& spec) {
  WriteFault f = ParseWriteFault(spec);
  std::lock_guard<std::mutex> lock(fault_mutex);
  fault = f;
  fault_read = true;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) ThrowIo(path + ": cannot open (missing or unreadable)");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFileAtomic(const std::string& path, const std::string& bytes) {
  const std::string tmp = path + ".tmp";
  std::string action;
  const size_t limit = FaultLimit(path, bytes.size(), action);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) FailWrite(-1, tmp, path, "cannot create " + tmp, errno);
  size_t done = 0;
  for (;;) {
    if (done >= limit) {
      // The fault: the disk fills here, or the process dies mid-write.
      if (action == "kill") ::kill(::getpid(), SIGKILL);
      FailWrite(fd, tmp, path, "writing " + tmp, ENOSPC);
    }
    if (done >= bytes.size()) break;
    const size_t chunk = std::min(bytes.size() - done, limit - done);
    const ssize_t n = ::write(fd, bytes.data() + done, chunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      FailWrite(fd, tmp, path, "writing " + tmp, errno);
    }
    done += static_cast<size_t>(n);
  }
  // On disk before it replaces the old file, so that a crash of the machine
  // leaves one of the two whole.
  if (::fsync(fd) != 0) FailWrite(fd, tmp, path, "flushing " + tmp, errno);
  if (::close(fd) != 0) FailWrite(-1, tmp, path, "closing " + tmp, errno);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    FailWrite(-1, tmp, path, "renaming " + tmp + " into place", errno);
  }
  // The rename itself, on disk (best effort: some file systems refuse it).
  const std::string dir = std::filesystem::path(path).parent_path().string();
  const int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

void MakeDirs(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) ThrowIo(path + ": cannot create directory (" + ec.message() + ")");
}

bool FileExists(const std::string& path) { return std::filesystem::exists(path); }

std::string AbsolutePath(const std::string& path) {
  if (path.empty()) return path;
  std::error_code ec;
  const std::filesystem::path p = std::filesystem::absolute(path, ec);
  if (ec) ThrowIo(path + ": cannot make the path absolute: " + ec.message());
  return p.lexically_normal().string();
}

}  // namespace earshot
