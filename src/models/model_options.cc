#include "earshot/models/model_options.h"

#include <sstream>

#include "earshot/util/error.h"
#include "earshot/util/option_checks.h"

namespace earshot {
namespace {

struct ModelInfo {
  const char* name;
  const char* summary;
};

const ModelInfo kModels[] = {
    {"seed000_conv1d",
     "raw waveform [1, n]: 4 x (Conv1D valid, max-pool 3, dropout) -> Dense 256, 128 (seed 000)"},
    {"seed001_cnn",
     "spectrogram [C, F, T]: 2D CNN 32-64-128-256 with concatenated skips (skip=false: plain) "
     "-> Dense 256 + BN (seed 001)"},
    {"seed002_resmish",
     "stacked mels [4, F, T]: residual Mish CNN, 3 plain + 2 bottleneck stages, residual dense head, "
     "he-normal init (seed 002)"},
    {"seed003_conv1d",
     "raw waveform [1, n]: Conv1D 16-32-32-256 pairs, global max pool, Dense 64, 1028 (seed 003)"},
    {"seed003_mfcc_cnn",
     "MFCC [C, F, T]: 4 x (Conv2D 32 (4,10) same, BN, ReLU, max-pool 2) -> Dense 64 + BN (seed 003)"},
    {"seed003_dummy_1d", "raw waveform [C, n]: global max pool -> Dense (seed 003 quick mode)"},
    {"seed003_dummy_2d", "features [C, F, T]: global max pool -> Dense (seed 003 quick mode)"},
    {"seed004_cnn",
     "log spectrogram [C, F, T]: 4 x (Conv2D 3x3 valid, max-pool 2) 32-64-128-256 -> Dense 128 "
     "(seed 004)"},
    {"ds_cnn",
     "MFCC/mel [C, F, T]: DS-CNN of Hello Edge, 10x4 stride-2 conv + depthwise-separable blocks "
     "(size s|m|l)"},
    {"bc_resnet",
     "log-mel [1, F, T]: BC-ResNet, broadcasted residual blocks with SubSpectralNorm (width 1..8)"},
    {"matchboxnet",
     "MFCC/mel [C, F, T] as C*F channels over time: MatchboxNet BxRxC time-channel separable 1-D "
     "convs"},
    {"crnn", "features [C, F, T]: 3 conv blocks -> bidirectional GRU over time -> Dense"},
};

std::string KnownNames() {
  std::string list;
  for (const auto& m : kModels) list += (list.empty() ? "" : " | ") + std::string(m.name);
  return list;
}


void InRange(const char* option, int value, int lo, int hi, const char* what) {
  if (value < lo || value > hi) {
    ThrowOption("--" + std::string(option) + " (" + what + ") should be in [" +
                std::to_string(lo) + ", " + std::to_string(hi) + "]. Given: " +
                std::to_string(value));
  }
}

}  // namespace

void ModelOptions::Visit(OptionVisitor& v) {
  v.Field("name", name, "model: seed000_conv1d | seed001_cnn | ... (see docs/models.md)");
  v.Field("dropout", dropout, "rate of every dropout layer; -1 = the model's own rates");
  v.Field("skip", skip, "seed001_cnn: concatenated skip connections on/off");
  v.Field("size", size, "ds_cnn: s | m | l");
  v.Field("width", width, "bc_resnet: channel multiplier 1..8");
  v.Field("subbands", subbands, "bc_resnet: SubSpectralNorm sub-bands; 1 = BatchNorm");
  v.Field("matchbox_blocks", matchbox_blocks, "matchboxnet: residual blocks B");
  v.Field("matchbox_repeats", matchbox_repeats, "matchboxnet: sub-blocks per block R");
  v.Field("matchbox_channels", matchbox_channels, "matchboxnet: block channels C");
  v.Field("rnn_hidden", rnn_hidden, "crnn: GRU units per direction");
}

void ModelOptions::Validate() const {
  bool known = false;
  for (const auto& m : kModels) known = known || name == m.name;
  if (!known) {
    ThrowOption("--name should be one of " + KnownNames() + ". Given: '" + name +
                "'");
  }
  if (dropout != -1.0 && !(dropout >= 0.0 && dropout < 1.0)) {
    ThrowOption("--dropout should be -1 (the model's own rates) or in [0, 1). Given: " +
                option_checks::Str(dropout));
  }
  if (size != "s" && size != "m" && size != "l") {
    ThrowOption("--size (ds_cnn) should be one of s | m | l. Given: '" + size + "'");
  }
  InRange("width", width, 1, 8, "bc_resnet channel multiplier");
  InRange("subbands", subbands, 1, 16, "bc_resnet SubSpectralNorm sub-bands");
  InRange("matchbox_blocks", matchbox_blocks, 1, 16, "matchboxnet B");
  InRange("matchbox_repeats", matchbox_repeats, 1, 16, "matchboxnet R");
  InRange("matchbox_channels", matchbox_channels, 1, 1024, "matchboxnet C");
  InRange("rnn_hidden", rnn_hidden, 1, 4096, "crnn GRU units");
}

std::vector<std::string> ModelNames() {
  std::vector<std::string> names;
  for (const auto& m : kModels) names.emplace_back(m.name);
  return names;
}

std::string ModelSummary(const std::string& name) {
  for (const auto& m : kModels) {
    if (name == m.name) return m.summary;
  }
  ThrowOption("unknown model '" + name + "' (known: " + KnownNames() + ")");
}

}  // namespace earshot
