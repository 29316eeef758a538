// A long recording to test a keyword spotter on, as TensorFlow's
// speech_commands streaming test uses: clips of a keyword set's held-out
// speakers at known times over background noise, with the truth beside it.
//
//   OUT.wav          mono 16-bit, `minutes` long
//   OUT.truth.csv    label,time_ms  one line per clip, no header: the label
//                    (a keyword, or _unknown_ for any other word) and where
//                    its one-second clip starts, in whole milliseconds, as
//                    generate_streaming_test_wav.py writes and
//                    test_streaming_accuracy.cc reads it
//   OUT.spans.csv    label,start_ms,end_ms  (header) the same clips in the
//                    same order, with the spoken part of each: where its
//                    speech starts and ends, for latency
//
//   KeywordStreamOptions o;
//   o.from = "data/keywords";           // Speech Commands layout
//   o.keywords = {"yes", "no"};
//   WriteKeywordStream(o, "stream.wav");
//
// Clips come from the set's `split` (test: testing_list.txt, or the hash
// rule on the speaker), each decoded when its turn comes; the audio is
// written as it is made, so hours take no more memory than minutes. The
// same options and seed give the same three files, byte for byte.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "earshot/util/options.h"
#include "earshot/util/parallel.h"

namespace earshot {

struct KeywordStreamOptions : Options {
  std::string from;                   // keyword set, Speech Commands layout
  std::vector<std::string> keywords;  // word folders spoken as keywords; empty: TF's ten commands
  bool negative = false;              // no keyword at all: other words and noise only
  std::string split = "test";         // test | validation | train | all: whose clips
  double minutes = 10;                // length of the stream
  int seed = 1;                       // same seed, same files
  double unknown_share = 0.3;         // share of clips that are other words
  int gap_min_ms = 500;               // background alone between two clips, at least
  int gap_max_ms = 3000;              // ... and at most
  bool noise = true;                  // background from the set's _background_noise_ files
  double noise_min_db = -50;          // background level, dBFS RMS, per stretch: at least
  double noise_max_db = -30;          // ... and at most
  int sample_rate = 16000;            // Hz
  void Visit(OptionVisitor& v) override;
  void Validate() const override;
  // `keywords`, or yes, no, up, down, left, right, on, off, stop, go.
  std::vector<std::string> Keywords() const;
};

// Where the truth and the spans of OUT.wav go: OUT.truth.csv, OUT.spans.csv.
std::string StreamTruthPath(const std::string& wav_path);
std::string StreamSpansPath(const std::string& wav_path);

struct KeywordStreamSummary {
  double seconds = 0;                         // of audio written
  std::map<std::string, int64_t> per_label;   // clips per truth label
  std::map<std::string, int64_t> per_folder;  // clips per word folder they came from
  int64_t pool = 0;                           // clips of the split drawn from
  int speakers = 0;                           // distinct speakers heard
  int noise_files = 0;                        // background files used
  std::vector<std::string> notes;             // from reading the set
};

// Throws Error naming the option when `options` do not validate, the set
// has no clip of a keyword in the split (or no other word where one is
// needed), or noise is asked for and the set has none; the files are then
// left as they were.
KeywordStreamSummary WriteKeywordStream(const KeywordStreamOptions& options,
                                        const std::string& wav_path,
                                        const Progress& progress = {});

}  // namespace earshot
