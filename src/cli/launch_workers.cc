#include "launch_workers.h"

#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "earshot/util/error.h"
#include "earshot/util/files.h"

namespace earshot::cli {
namespace {

// The ranks' process ids, for the signal handler to pass signals on.
constexpr int kMaxRanks = 1024;
pid_t rank_pids[kMaxRanks];
volatile sig_atomic_t rank_count = 0;

extern "C" void PassOn(int signal) {
  for (int r = 0; r < rank_count; ++r) {
    if (rank_pids[r] > 0) ::kill(rank_pids[r], signal);
  }
}

// This process's command line, without `--nproc N` / `--nproc=N`.
std::vector<std::string> ArgumentsWithoutNproc() {
  const std::string raw = ReadFile("/proc/self/cmdline");
  std::vector<std::string> args;
  for (size_t start = 0; start < raw.size();) {
    const size_t end = raw.find('\0', start);
    args.push_back(raw.substr(start, end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  std::vector<std::string> kept;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--nproc") {
      ++i;
      continue;
    }
    if (args[i].rfind("--nproc=", 0) == 0) continue;
    kept.push_back(args[i]);
  }
  return kept;
}

// A port on 127.0.0.1 that nothing listens on now, for rank 0's store.
int FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    const std::string reason = std::strerror(errno);
    if (fd >= 0) ::close(fd);
    ThrowIo("--nproc: no free port on 127.0.0.1 for the rendezvous (" + reason + ")");
  }
  const int port = ntohs(address.sin_port);
  ::close(fd);
  return port;
}

[[noreturn]] void ExecRank(const std::vector<std::string>& args, int rank, int nproc, int port, pid_t parent) {
  // Dies with the launcher, even when it is killed.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(1);
  ::setenv("RANK", std::to_string(rank).c_str(), 1);
  ::setenv("LOCAL_RANK", std::to_string(rank).c_str(), 1);
  ::setenv("WORLD_SIZE", std::to_string(nproc).c_str(), 1);
  ::setenv("LOCAL_WORLD_SIZE", std::to_string(nproc).c_str(), 1);
  ::setenv("MASTER_ADDR", "127.0.0.1", 1);
  ::setenv("MASTER_PORT", std::to_string(port).c_str(), 1);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  ::execv("/proc/self/exe", argv.data());
  const std::string text = "error: rank " + std::to_string(rank) + ": cannot start: " + std::strerror(errno) + "\n";
  ssize_t ignored = ::write(STDERR_FILENO, text.c_str(), text.size());
  (void)ignored;
  ::_exit(127);
}

std::string HowItEnded(int status) {
  if (WIFSIGNALED(status)) {
    const int signal = WTERMSIG(status);
    return "was killed by signal " + std::to_string(signal) + " (" + ::strsignal(signal) + ")";
  }
  return "exited with status " + std::to_string(WEXITSTATUS(status));
}

}  // namespace

void LaunchLocalWorkers(int nproc, double grace_seconds) {
  if (nproc > kMaxRanks) ThrowOption("--nproc (" + std::to_string(nproc) + ") should be at most 1024");
  const std::vector<std::string> args = ArgumentsWithoutNproc();
  const int port = FreePort();
  const pid_t self = ::getpid();
  struct sigaction pass {}, old_int {}, old_term {};
  pass.sa_handler = PassOn;
  sigemptyset(&pass.sa_mask);
  ::sigaction(SIGINT, &pass, &old_int);
  ::sigaction(SIGTERM, &pass, &old_term);
  for (int r = 0; r < nproc; ++r) {
    const pid_t pid = ::fork();
    if (pid == 0) ExecRank(args, r, nproc, port, self);
    if (pid < 0) {
      const std::string reason = std::strerror(errno);
      PassOn(SIGKILL);
      while (::wait(nullptr) > 0 || errno == EINTR) {
      }
      ThrowIo("--nproc: cannot start rank " + std::to_string(r) + " (" + reason + ")");
    }
    rank_pids[r] = pid;
    rank_count = r + 1;
  }
  // Waits for every rank; the first that fails stops the rest.
  std::string failure;
  int running = nproc;
  auto kill_after = std::chrono::steady_clock::time_point::max();
  while (running > 0) {
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, WNOHANG);
    if (pid > 0) {
      int rank = 0;
      while (rank < nproc && rank_pids[rank] != pid) ++rank;
      if (rank == nproc) continue;
      rank_pids[rank] = 0;
      --running;
      const bool failed = !WIFEXITED(status) || WEXITSTATUS(status) != 0;
      if (failed && failure.empty()) {
        failure = "rank " + std::to_string(rank) + " of " + std::to_string(nproc) + " " + HowItEnded(status);
        PassOn(SIGTERM);
        kill_after = std::chrono::steady_clock::now() +
                     std::chrono::milliseconds(static_cast<int64_t>(grace_seconds * 1000));
      }
      continue;
    }
    if (pid < 0 && errno != EINTR) break;
    if (std::chrono::steady_clock::now() >= kill_after) PassOn(SIGKILL);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  rank_count = 0;
  ::sigaction(SIGINT, &old_int, nullptr);
  ::sigaction(SIGTERM, &old_term, nullptr);
  if (!failure.empty()) ThrowIo(failure + "; the other ranks were stopped");
}

}  // namespace earshot::cli
