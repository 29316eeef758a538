// Data-parallel training across processes: the job's shape (how many
// processes, which one this is, where they meet) and the communicator that
// joins them, torch's c10d with the Gloo backend.
//
//   DistributedOptions d;                 // --world-size 2 --rank 0 --master 10.0.0.1:29500
//   d.world_size = 2; d.rank = 0; d.master = "10.0.0.1:29500";
//   std::unique_ptr<Communicator> group = Communicator::Join(d);  // waits for every rank
//   TrainRecipe(recipe, "runs/kws", false, nullptr, group.get());
//
// Rendezvous goes through a c10d TCPStore that rank 0 serves at `master`;
// then a ProcessGroupGloo whose network device is the interface `iface`, or
// else the one that reaches `master` (never what the host name resolves
// to, often a loopback address). Every collective waits at most `timeout`
// seconds: a peer that died or never came makes it an error naming the
// ranks, not a hang. Declared without LibTorch.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "earshot/util/options.h"

namespace at {
class Tensor;
}

namespace earshot {

struct DistributedOptions : Options {
  int nproc = 0;                       // local worker processes `earshot train` starts (0, 1: none)
  int world_size = 1;                  // processes in the job (WORLD_SIZE)
  int rank = 0;                        // this process, 0 .. world_size - 1 (RANK)
  std::string master = "127.0.0.1:29500";  // HOST:PORT of rank 0's store (MASTER_ADDR, MASTER_PORT)
  std::string iface;                   // network interface for Gloo ("" = the one that reaches master)
  double timeout = 60.0;               // seconds a rank waits for its peers
  bool parallel_jobs = false;          // ranks train whole models (folds, seeds), not batch shares

  void Visit(OptionVisitor& v) override;
  void Validate() const override;
  // More than one process takes part.
  bool Distributed() const { return world_size > 1; }
  std::string Host() const;  // of master
  int Port() const;          // of master
};

// The torchrun variables, where they are set and the command line did not
// set the option: WORLD_SIZE, RANK, MASTER_ADDR, MASTER_PORT. `given`
// names the keys the command line set ("world_size", "rank", "master").
void ReadTorchrunEnvironment(DistributedOptions& options, const std::vector<std::string>& given);

// One process's membership of the group. Every call is collective: every
// rank makes the same calls in the same order. `what` names the step in
// errors ("allreduce of the gradients").
class Communicator {
 public:
  // Rendezvous with every rank; throws naming the ranks that did not come
  // within the timeout.
  static std::unique_ptr<Communicator> Join(const DistributedOptions& options);
  ~Communicator();
  Communicator(const Communicator&) = delete;
  Communicator& operator=(const Communicator&) = delete;

  int rank() const;
  int size() const;

  // Each tensor (contiguous, CPU) in place takes rank 0's values.
  void Broadcast(std::vector<at::Tensor>& tensors, const std::string& what);
  // Each tensor in place becomes the sum over ranks; all of them are sent
  // before the first is waited for.
  void AllreduceSum(std::vector<at::Tensor>& tensors, const std::string& what);
  // Every rank's `tensor` (1-D, the same length everywhere), rank 0's first.
  // `timeout` in seconds, 0: the group's; longer where ranks meet after
  // work of their own (whole models of --parallel-jobs).
  std::vector<at::Tensor> AllGather(const at::Tensor& tensor, const std::string& what, double timeout = 0);
  void Barrier(const std::string& what);

 private:
  struct Impl;
  explicit Communicator(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace earshot
