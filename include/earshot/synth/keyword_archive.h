// The 12-label keyword set as one NumPy archive (the layout of seed 001):
//
//   OUT.npz: wav_vals   float32 (N, 8000)   8 kHz, one second per row
//            label_vals <U7     (N, 1)      yes ... go, unknown, silence
//
// Rows are keyword clips (KeywordOptions, at 8 kHz), labelled with their
// word when it is one of the ten commands and `unknown` otherwise, plus
// `silence` rows of background noise at low levels; rows are shuffled.
//
//   KeywordArchiveOptions o;
//   WriteKeywordArchive(o, "speech_wav_8000.npz");
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "earshot/synth/keywords.h"
#include "earshot/util/options.h"

namespace earshot {

// yes, no, up, down, left, right, on, off, stop, go, unknown, silence.
const std::vector<std::string>& TwelveLabels();

struct KeywordArchiveOptions : Options {
  KeywordOptions keywords = Defaults();  // the spoken rows
  int silence = -1;                      // silence rows; -1: as many as each command has
  void Visit(OptionVisitor& v) override;
  void Validate() const override;
  static KeywordOptions Defaults();      // 8 kHz, 60 speakers
};

struct KeywordArchiveSummary {
  std::map<std::string, int64_t> rows_per_label;
  int64_t rows = 0;
};

KeywordArchiveSummary WriteKeywordArchive(const KeywordArchiveOptions& options,
                                          const std::string& path,
                                          const Progress& progress = {});

}  // namespace earshot
