// Corruptions of test clips for robustness tables (`earshot eval
// --corrupt`): what a deployed model meets that the test split lacks.
//
//   std::vector<Corruption> cs = ParseCorruptions("noise:snr=0,10,20;reverb:rt60=0.6;telephone");
//   // noise:snr=0, noise:snr=10, noise:snr=20, reverb:rt60=0.6, telephone
//   SplitMix64 rng = CorruptionRng(cs[1], clip_index);
//   ApplyCorruption(cs[1], clip, 16000, background_noise, rng);
//
// Spec: corruptions separated by ';', each KIND or KIND:PARAMETER=LEVELS,
// LEVELS one number or several separated by ',' (a sweep: one corruption
// per level). Kinds, their parameter and its range:
//   noise:snr       [-20, 80] dB   background noise files (white noise when the data have none)
//   reverb:rt60     [0.05, 3] s    a synthesised shoebox room (sides 3-10 m) per clip
//   telephone                      8 kHz line, 300-3400 Hz, 8-bit mu-law
//   pitch:semitones [-12, 12]      pitch shift, duration kept
//   tempo:factor    [0.5, 2]       tempo change, pitch kept
//   vtlp:factor     [0.7, 1.4]     vocal-tract-length warp
//   highpass:hz     [10, 2000]     microphone-like high-pass
//   tilt:db_per_octave [-12, 12]   spectral tilt about 1 kHz
//   clip:level      [0.01, 1]      clipping at level x the clip's peak
//   codec:bits      [2, 16]        mu-law codec of that many bits (integer)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "earshot/data/clip_store.h"
#include "earshot/util/random.h"

namespace earshot {

struct Corruption {
  std::string kind;       // noise | reverb | telephone | pitch | tempo | vtlp | highpass | tilt | clip | codec
  std::string parameter;  // snr, rt60, ...; empty for telephone
  double level = 0.0;

  std::string Name() const;  // "noise:snr=10", "telephone"
};

// Throws Error(kInvalidOption) naming `option` (the flag the spec came
// from) and the spec part and, for an unknown kind, the known ones; for a
// level out of range, the value and the range.
std::vector<Corruption> ParseCorruptions(const std::string& spec,
                                         const std::string& option = "--corrupt");

// The clip's draws for a corruption (noise segment, room, ...): the same
// for every model and run.
SplitMix64 CorruptionRng(const Corruption& c, int64_t clip);

// Corrupts one clip in place (tempo changes its length). `noise` may be empty.
void ApplyCorruption(const Corruption& c, std::vector<float>& clip, int sample_rate,
                     const ClipStore& noise, SplitMix64& rng);

}  // namespace earshot
