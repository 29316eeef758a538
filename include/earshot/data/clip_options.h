// The clip length a model sees and how clips of another length are fitted
// to it.
//
//   ClipOptions o;                     // 1 s, centre crop/pad
//   SetOption(o, "seconds", "2");      // seed 003: 2 s ...
//   SetOption(o, "pad_crop", "random");// ... random-offset crop or zero padding
//   int64_t n = o.Length(16000);       // 32000
#pragma once

#include <cstdint>
#include <string>

#include "earshot/util/options.h"

namespace earshot {

struct ClipOptions : Options {
  double seconds = 1.0;              // clip length in seconds; used when samples = 0
  int samples = 0;                   // clip length in samples; overrides seconds when > 0
  // center: crop or zero-pad equally on both sides (evaluation);
  // random: crop at a random offset, or zero-pad at a random offset (training, seed 003);
  // drop: leave out clips of any other length (seed 000: exactly 8000 samples at 8 kHz).
  std::string pad_crop = "center";
  double hop_seconds = 0.5;          // prediction on long clips: step between windows; 0 = one clip length

  void Visit(OptionVisitor& v) override;
  void Validate() const override;

  int64_t Length(int sample_rate) const;  // in samples
  int64_t Hop(int sample_rate) const;     // in samples
};

}  // namespace earshot
