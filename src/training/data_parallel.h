// The data-parallel steps of the trainer over a Communicator: the same
// model on every rank, gradients and batch-norm statistics averaged, and
// evaluation outputs gathered. Every function is collective.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "earshot/training/distributed.h"
#include "earshot/training/evaluate.h"

namespace earshot {

// Rank 0's parameters and buffers, in place on every rank.
void BroadcastModuleState(Communicator& group, torch::nn::Module& module);

// Replaces each rank's gradients, those of the mean loss over its
// `examples`, by the gradient of the mean loss over every rank's examples:
// each rank's weighted by its examples, summed by allreduce in buckets of
// about `bucket_bytes` (all sent before the first is waited for), divided by
// the examples in all. A rank with no examples takes part with zeros.
void AllreduceGradients(Communicator& group, torch::nn::Module& module, int64_t examples,
                        int64_t bucket_bytes = int64_t{25} << 20);

// Floating-point buffers (batch norm's running statistics) averaged over
// the ranks, so that evaluation and checkpoints see one model.
void AverageBuffers(Communicator& group, torch::nn::Module& module);

// The sums over the ranks, in double precision.
std::vector<double> SumOverRanks(Communicator& group, const std::vector<double>& values);

// Every rank's outputs, in rank order: with each rank holding a contiguous
// block of the clips, the rows come in the order of one process; the loss
// is the mean over all rows.
ModelOutputs GatherOutputs(Communicator& group, const ModelOutputs& mine);

// Every rank's `text`, in rank order; waits up to `timeout` seconds (0: the
// group's).
std::vector<std::string> GatherText(Communicator& group, const std::string& text, const std::string& what,
                                    double timeout = 0);

}  // namespace earshot
