// One self-contained HTML page about a training run: the recipe, the data,
// and per model its curves, metrics, confusion matrix, weakest classes and
// most confident mistakes (with their sound and log-mel spectrogram).
// Images and sounds are inlined as data: URIs and the styles are inline, so
// the file can be mailed or archived alone and opened in any browser.
//
//   ReportOptions o;                        // 8 mistakes of at most 3 s
//   std::string page = WriteRunReport("runs/kws", o);   // runs/kws/report.html
//
// What the page shows: docs/report.md. Only the run directory (as written by
// TrainRecipe, training/trainer.h) and the data set its recipe names are
// read; a part that is missing (no test clips, data moved) is left out with
// a note on the page rather than failing the whole report.
#pragma once

#include <string>

#include "earshot/util/options.h"

namespace earshot::report {

struct ReportOptions : Options {
  std::string out;            // page to write; "" = RUN/report.html
  std::string data_root;      // the data set's root when it moved since training; "" = the recipe's
  int mistakes = 8;           // most confident mistakes shown per model, with their audio
  int weakest = 5;            // classes listed as weakest per model (lowest recall, then F1)
  double clip_seconds = 3.0;  // audio kept per mistake, from the clip's start
  int spectrogram_mels = 64;  // mel bands of the mistakes' spectrogram images

  void Visit(OptionVisitor& v) override;
  void Validate() const override;
};

// The page as text. Throws Error(kIo) when `run_dir` is not a directory or
// holds no run (no recipe.toml, no summary.json and no model folder).
std::string RenderRunReport(const std::string& run_dir, const ReportOptions& options);

// Renders and writes the page atomically; returns its path.
std::string WriteRunReport(const std::string& run_dir, const ReportOptions& options);

}  // namespace earshot::report
