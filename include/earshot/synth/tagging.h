// Instrument and percussion sounds in the layout of seed 003 (Freesound
// general-purpose tagging), rendered with FluidSynth and the General MIDI
// soundfont:
//
//   OUT/audio_train/<fname>.wav, OUT/audio_test/<fname>.wav
//                            44.1 kHz mono 16-bit, 0.3 to 10 s
//   OUT/train.csv            fname,label,manually_verified (sorted by fname)
//   OUT/sample_submission.csv  fname,label: the test files, three labels each
//
// Labels are Freesound's (Acoustic_guitar, Trumpet, Snare_drum, Hi-hat, ...)
// played by a General MIDI program or percussion keys with random notes,
// velocities and rhythms. A share of the train rows is not manually
// verified, and a share of those carries a wrong label, as in the real set.
//
//   TaggingOptions o;
//   o.classes = 10;
//   WriteTaggingSet(o, "data/tagging");
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "earshot/util/parallel.h"
#include "earshot/util/options.h"

namespace earshot {

// The 41 labels, in the order classes are taken (instruments first).
std::vector<std::string> TaggingLabels();

struct TaggingOptions : Options {
  int seed = 1;                    // same seed, byte-identical files
  int classes = 41;                // the first N labels of TaggingLabels()
  int clips_per_class = 20;        // train clips of each class
  int test_per_class = 5;          // test clips of each class
  double min_seconds = 0.3;        // clip length, drawn log-uniformly ...
  double max_seconds = 10.0;       // ... between these
  double verified_share = 0.4;     // train rows with manually_verified = 1
  double flip_share = 0.2;         // unverified rows whose label is wrong
  std::string soundfont = "/usr/share/sounds/sf2/FluidR3_GM.sf2";  // General MIDI .sf2
  int sample_rate = 44100;         // Hz
  int threads = 2;                 // worker threads
  void Visit(OptionVisitor& v) override;
  void Validate() const override;
};

struct TaggingSummary {
  std::map<std::string, int64_t> train_per_label;  // as written in train.csv
  int64_t train = 0, test = 0, verified = 0, flipped = 0;
  double seconds = 0;  // of audio, train and test
};

TaggingSummary WriteTaggingSet(const TaggingOptions& options, const std::string& out_dir,
                               const Progress& progress = {});

}  // namespace earshot
