// The sound classes of the tagging demo: which General MIDI sounds stand
// for which Freesound label, and random scores (notes, rhythms, bends) for
// them. Private to src/synth.
#pragma once

#include <string>
#include <vector>

#include "earshot/util/random.h"

namespace earshot {

// One instrument of a class: a program on its own channel, or keys of the
// percussion channel.
struct Layer {
  std::vector<int> programs;     // General MIDI programs (0-127) to choose from; empty: drums
  std::vector<int> keys;         // percussion keys (drums only)
  int low = 60, high = 72;       // key range of a program
  double note_min = 0.1, note_max = 0.5;  // note length, s
  double gap_min = 0.0, gap_max = 0.3;    // pause after a note, s
  int chord = 1;                 // up to this many keys at once
  double bend = 0;               // pitch bend over each note, in units of the bend range
};

struct SoundClass {
  std::string label;  // as in Freesound's train.csv
  std::vector<Layer> layers;
};

// All 41, the natural instrument sounds first.
const std::vector<SoundClass>& SoundClasses();

struct MidiEvent {
  enum Kind { kProgram, kNoteOn, kNoteOff, kBend };
  double time = 0;  // s
  Kind kind = kNoteOn;
  int channel = 0;
  int value = 0;    // program, key or bend (0-16383, 8192 centre)
  int velocity = 0;
};

constexpr int kDrumChannel = 9;

// A random performance of the class lasting about `seconds`, sorted by time.
std::vector<MidiEvent> MakeScore(const SoundClass& sound, double seconds, SplitMix64& rng);

}  // namespace earshot
