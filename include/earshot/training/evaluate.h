// Runs a model over every batch of an evaluation loader and collects what
// the metrics need.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "earshot/training/loss_options.h"

namespace earshot {

class BatchLoader;
class Classifier;

struct ModelOutputs {
  int64_t rows = 0;
  int classes = 0;
  std::vector<float> probabilities;  // rows x classes
  std::vector<float> targets;        // rows x classes
  std::vector<int> labels;           // rows; -1 for soft-labelled clips
  std::vector<int64_t> clips;        // rows: index into Dataset::clips
  double loss = 0.0;                 // mean loss over the rows
};

// Eval mode, no gradients; the loader's epoch 0 in its order. `loss` turns
// logits into probabilities and gives the loss.
ModelOutputs RunModel(Classifier& model, BatchLoader& loader, const LossOptions& loss);

}  // namespace earshot
