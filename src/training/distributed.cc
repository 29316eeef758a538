// c10d's TCPStore and ProcessGroupGloo behind Communicator. The build
// defines USE_C10D_GLOO for this file (CMakeLists.txt): the Gloo parts of
// c10d's headers exist only with it.
#include "earshot/training/distributed.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <thread>

#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/torch.h>

#include "earshot/util/error.h"
#include "earshot/util/option_checks.h"

namespace earshot {

void DistributedOptions::Visit(OptionVisitor& v) {
  v.Field("nproc", nproc, "worker processes to start on this host, one rank each (0: this process alone)");
  v.Field("world_size", world_size, "processes in the job, on every host (WORLD_SIZE)");
  v.Field("rank", rank, "this process's rank, 0 .. world size - 1 (RANK)");
  v.Field("master", master, "HOST:PORT where rank 0 serves the rendezvous (MASTER_ADDR, MASTER_PORT)");
  v.Field("iface", iface, "network interface the ranks talk over (default: the one that reaches master)");
  v.Field("timeout", timeout, "seconds a rank waits for its peers before it gives up");
  v.Field("parallel_jobs", parallel_jobs,
          "each rank trains whole models of a k-fold or N-seed recipe instead of a share of every batch");
}

void DistributedOptions::Validate() const {
  using namespace option_checks;
  InRange("nproc", nproc, 0, 1024);
  InRange("world_size", world_size, 1, 65536);
  if (rank < 0 || rank >= world_size) {
    ThrowOption("--rank (" + Str(rank) + ") should be 0 .. " + Str(world_size - 1) + " with --world_size=" +
                Str(world_size));
  }
  if (nproc > 1 && world_size > 1) {
    ThrowOption("--nproc (" + Str(nproc) + ") starts a job of its own on this host; give it without "
                "--world_size (" + Str(world_size) + ") and --rank");
  }
  const size_t colon = master.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    ThrowOption("--master should be HOST:PORT. Given: '" + master + "'");
  }
  const std::string port = master.substr(colon + 1);
  const bool digits = !port.empty() && port.size() <= 5 &&
                      std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits || std::stoi(port) < 1 || std::stoi(port) > 65535) {
    ThrowOption("--master '" + master + "': the port should be 1 .. 65535");
  }
  if (!(timeout > 0.0) || timeout > 86400.0) {
    ThrowOption("--timeout (" + Str(timeout) + ") should be more than 0 and at most 86400 seconds");
  }
}

std::string DistributedOptions::Host() const { return master.substr(0, master.rfind(':')); }
int DistributedOptions::Port() const { return std::stoi(master.substr(master.rfind(':') + 1)); }

void ReadTorchrunEnvironment(DistributedOptions& options, const std::vector<std::string>& given) {
  auto is_given = [&](const char* key) { return std::find(given.begin(), given.end(), key) != given.end(); };
  auto env = [](const char* name) -> std::string {
    const char* value = std::getenv(name);
    return value ? value : "";
  };
  auto number = [&](const char* name) {
    const std::string text = env(name);
    try {
      size_t used = 0;
      const int n = std::stoi(text, &used);
      if (used == text.size()) return n;
    } catch (const std::exception&) {
    }
    ThrowOption("environment variable " + std::string(name) + "='" + text + "' should be a whole number");
  };
  if (!is_given("world_size") && !env("WORLD_SIZE").empty()) options.world_size = number("WORLD_SIZE");
  if (!is_given("rank") && !env("RANK").empty()) options.rank = number("RANK");
  if (!is_given("master") && (!env("MASTER_ADDR").empty() || !env("MASTER_PORT").empty())) {
    const std::string host = env("MASTER_ADDR").empty() ? options.Host() : env("MASTER_ADDR");
    const std::string port = env("MASTER_PORT").empty() ? std::to_string(options.Port()) : env("MASTER_PORT");
    options.master = host + ":" + port;
  }
}

namespace {

std::string FirstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

std::string Seconds(double s) {
  std::string text = option_checks::Str(s);
  return text + " s";
}

// The local address this host reaches `host` from: the interface Gloo
// should listen on when none is named (a route lookup, nothing is sent).
std::string LocalAddressTowards(const std::string& host, int port, int rank) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0 || found == nullptr) {
    ThrowOption("rank " + std::to_string(rank) + ": --master host '" + host + "' does not resolve");
  }
  std::string address;
  const int fd = ::socket(found->ai_family, SOCK_DGRAM, 0);
  if (fd >= 0 && ::connect(fd, found->ai_addr, found->ai_addrlen) == 0) {
    sockaddr_storage local{};
    socklen_t length = sizeof(local);
    char text[INET6_ADDRSTRLEN] = {0};
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length) == 0) {
      const void* raw = local.ss_family == AF_INET6
                            ? static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(&local)->sin6_addr)
                            : static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(&local)->sin_addr);
      if (inet_ntop(local.ss_family, raw, text, sizeof(text))) address = text;
    }
  }
  if (fd >= 0) ::close(fd);
  freeaddrinfo(found);
  if (address.empty()) {
    ThrowIo("rank " + std::to_string(rank) + ": no route from this host to --master " + host +
            "; name the interface with --iface");
  }
  return address;
}

std::string ArrivedKey(int rank) { return "earshot/arrived/" + std::to_string(rank); }

}  // namespace

struct Communicator::Impl {
  int rank = 0;
  int size = 1;
  double timeout = 60.0;
  c10::intrusive_ptr<c10d::TCPStore> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group;

  // Starts the work items `launch` adds, then waits for every one: a
  // failure names the step and this rank.
  template <typename Launch>
  void Collective(const std::string& what, Launch&& launch, double seconds = 0) {
    const std::string who = "rank " + std::to_string(rank) + " of " + std::to_string(size) + ": " + what;
    std::vector<c10::intrusive_ptr<c10d::Work>> works;
    try {
      launch(works);
    } catch (const std::exception& e) {
      ThrowIo(who + " failed (" + FirstLine(e.what()) + ")");
    }
    try {
      for (auto& w : works) w->wait();
    } catch (const std::exception& e) {
      ThrowIo(who + " failed: a peer exited or did not answer within " + Seconds(seconds > 0 ? seconds : timeout) + " (" +
              FirstLine(e.what()) + ")");
    }
  }
};

std::unique_ptr<Communicator> Communicator::Join(const DistributedOptions& options) {
  ValidateOptions(options);
  auto impl = std::make_unique<Impl>();
  impl->rank = options.rank;
  impl->size = options.world_size;
  impl->timeout = options.timeout;
  const std::string who = "rank " + std::to_string(options.rank) + " of " + std::to_string(options.world_size);
  const auto timeout = std::chrono::milliseconds(static_cast<int64_t>(options.timeout * 1000.0));
  c10d::TCPStoreOptions so;
  so.port = static_cast<std::uint16_t>(options.Port());
  so.isServer = options.rank == 0;
  so.numWorkers = options.world_size;
  so.waitWorkers = false;  // the arrivals below name who is missing
  so.timeout = timeout;
  try {
    impl->store = c10::make_intrusive<c10d::TCPStore>(options.Host(), so);
  } catch (const std::exception& e) {
    ThrowIo(who + ": " +
            (options.rank == 0 ? "cannot serve the rendezvous at " + options.master
                               : "cannot reach rank 0's rendezvous at " + options.master + " within " +
                                     Seconds(options.timeout)) +
            " (" + FirstLine(e.what()) + ")");
  }
  // Every rank says it came, then waits for the others: those still
  // missing at the deadline are named.
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  try {
    impl->store->set(ArrivedKey(options.rank), std::vector<uint8_t>{1});
    std::vector<int> missing;
    for (;;) {
      missing.clear();
      for (int r = 0; r < options.world_size; ++r) {
        if (!impl->store->check({ArrivedKey(r)})) missing.push_back(r);
      }
      if (missing.empty() || std::chrono::steady_clock::now() >= deadline) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (!missing.empty()) {
      std::string names;
      for (int r : missing) names += (names.empty() ? "" : ", ") + std::to_string(r);
      ThrowIo(who + ": rank" + (missing.size() > 1 ? "s " : " ") + names + " did not join at " +
              options.master + " within " + Seconds(options.timeout) +
              " (--timeout); start every rank with the same --world-size and --master");
    }
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    ThrowIo(who + ": the rendezvous at " + options.master + " failed: rank 0 exited or did not answer (" +
            FirstLine(e.what()) + ")");
  }
  auto go = c10d::ProcessGroupGloo::Options::create(timeout);
  try {
    if (!options.iface.empty()) {
      go->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(options.iface));
    } else {
      go->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname(
          LocalAddressTowards(options.Host(), options.Port(), options.rank)));
    }
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    ThrowIo(who + ": no network device " + (options.iface.empty() ? "towards " + options.master
                                                                    : "'" + options.iface + "' (--iface)") +
            " (" + FirstLine(e.what()) + ")");
  }
  go->threads = 1;
  try {
    impl->group = c10::make_intrusive<c10d::ProcessGroupGloo>(impl->store, options.rank, options.world_size, go);
  } catch (const std::exception& e) {
    ThrowIo(who + ": cannot connect to the other ranks within " + Seconds(options.timeout) + " (" +
            FirstLine(e.what()) + ")");
  }
  return std::unique_ptr<Communicator>(new Communicator(std::move(impl)));
}

Communicator::Communicator(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Communicator::~Communicator() = default;

int Communicator::rank() const { return impl_->rank; }
int Communicator::size() const { return impl_->size; }

using Works = std::vector<c10::intrusive_ptr<c10d::Work>>;

void Communicator::Broadcast(std::vector<at::Tensor>& tensors, const std::string& what) {
  impl_->Collective(what, [&](Works& works) {
    for (auto& t : tensors) {
      std::vector<at::Tensor> one{t};
      works.push_back(impl_->group->broadcast(one, c10d::BroadcastOptions{}));
    }
  });
}

void Communicator::AllreduceSum(std::vector<at::Tensor>& tensors, const std::string& what) {
  impl_->Collective(what, [&](Works& works) {
    for (auto& t : tensors) {
      std::vector<at::Tensor> one{t};
      c10d::AllreduceOptions o;
      o.reduceOp = c10d::ReduceOp::SUM;
      works.push_back(impl_->group->allreduce(one, o));
    }
  });
}

std::vector<at::Tensor> Communicator::AllGather(const at::Tensor& tensor, const std::string& what,
                                                double timeout) {
  std::vector<std::vector<at::Tensor>> outputs(1);
  for (int r = 0; r < impl_->size; ++r) outputs[0].push_back(torch::empty_like(tensor));
  std::vector<at::Tensor> inputs{tensor};
  c10d::AllgatherOptions o;
  if (timeout > 0) o.timeout = std::chrono::milliseconds(static_cast<int64_t>(timeout * 1000.0));
  impl_->Collective(
      what, [&](Works& works) { works.push_back(impl_->group->allgather(outputs, inputs, o)); }, timeout);
  return outputs[0];
}

void Communicator::Barrier(const std::string& what) {
  impl_->Collective(what, [&](Works& works) { works.push_back(impl_->group->barrier()); });
}

}  // namespace earshot
