// Overlapped speech with soft labels, in the layout of seed 002:
//
//   OUT/train/<id>.wav, OUT/test/<id>.wav   16 kHz mono 16-bit, 1 s
//   OUT/train_answer.csv   id,source_00,...,source_29   (a row sums to 1)
//   OUT/submission.csv     the same columns for the test ids, all 0
//
// Each source is a distinct espeak-ng voice (accent, variant and a pitch of
// its own) saying a stream of words. A clip mixes 2 to 4 sources: a random
// one-second window of each, scaled to equal energy, then by a random gain.
// A source's share is its energy in the clip over the sum of the energies
// of the sources in it, i.e. its squared gain over the sum of squared gains.
// Ids are integers: train 0..train-1, test from `train` on.
//
//   MixtureOptions o;
//   o.train = 50;
//   WriteMixtureSet(o, "data/mixtures");
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "earshot/util/parallel.h"
#include "earshot/util/options.h"

namespace earshot {

struct MixtureOptions : Options {
  int seed = 1;                // same seed, byte-identical files
  int sources = 30;            // distinct voices: the label columns
  int train = 400;             // train clips
  int test = 100;              // test clips
  int min_sources = 2;         // sources per clip, at least
  int max_sources = 4;         // ... and at most
  double gain_spread_db = 12;  // gains drawn from [-spread, 0] dB
  double seconds = 1.0;        // clip length
  int sample_rate = 16000;     // Hz
  int threads = 2;             // worker threads
  void Visit(OptionVisitor& v) override;
  void Validate() const override;
};

struct MixtureSummary {
  std::vector<std::string> sources;   // column names
  int64_t train = 0, test = 0;
  std::vector<int64_t> clips_per_count;  // [k]: clips mixing k sources
};

// Column names: "source_00", "source_01", ...
std::vector<std::string> MixtureSourceNames(int sources);

MixtureSummary WriteMixtureSet(const MixtureOptions& options, const std::string& out_dir,
                               const Progress& progress = {});

// Shares as text with `digits` decimals that add up to exactly 1: each is
// rounded down, then the units left over go to the largest remainders.
std::vector<std::string> FormatShares(const std::vector<double>& shares, int digits);

}  // namespace earshot
