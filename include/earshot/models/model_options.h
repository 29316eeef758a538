// Which classifier to build and its knobs; torch-free, so recipes and the
// CLI can read, print and check it without LibTorch.
//
//   ModelOptions o;
//   SetOption(o, "name", "bc_resnet");
//   SetOption(o, "width", "8");
//   o.Validate();            // throws naming the option, the value and the limit
//   // zoo.h: auto model = BuildModel(o, front_end.OutputShape(16000), 12);
#pragma once

#include <string>
#include <vector>

#include "earshot/util/options.h"

namespace earshot {

struct ModelOptions : Options {
  std::string name = "ds_cnn";  // one of ModelNames()
  double dropout = -1.0;        // rate of every dropout layer; -1 = the rates of the model's source
  bool skip = true;             // seed001_cnn: concatenate each stage's input to its output (false = plain CNN)
  std::string size = "s";       // ds_cnn: s (64 channels, 4 DS blocks) | m (172, 4) | l (276, 5)
  int width = 1;                // bc_resnet: channel multiplier, 1..8 (BC-ResNet-1 .. -8)
  int subbands = 5;             // bc_resnet: SubSpectralNorm sub-bands; 1 = plain BatchNorm
  int matchbox_blocks = 3;      // matchboxnet: residual blocks (B of BxRxC)
  int matchbox_repeats = 2;     // matchboxnet: separable sub-blocks per block (R)
  int matchbox_channels = 64;   // matchboxnet: channels of the blocks (C)
  int rnn_hidden = 64;          // crnn: GRU units per direction

  void Visit(OptionVisitor& v) override;
  void Validate() const override;
};

// Every model name, in the order of docs/models.md.
std::vector<std::string> ModelNames();
// One line: the architecture and the source it follows. Unknown names throw.
std::string ModelSummary(const std::string& name);

}  // namespace earshot
