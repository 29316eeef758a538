// The folder a data set generator writes into. A generator never merges its
// set silently with other files:
//
//   PrepareSynthFolder("data/kws", "keywords", KeywordOutputs(), /*force=*/false);
//   WriteKeywordSet(options, "data/kws", progress);
//   MarkSynthFolder("data/kws", "keywords");
//
// - an absent or empty folder is made;
// - a folder marked by an earlier run of the same generator (its
//   `.earshot-synth` file names the kind) has that run's outputs (`owned`:
//   the files and folders the generator writes, by name, and those the
//   marker lists) removed first, so the new set is exactly what the options
//   make; other files there stay;
// - any other folder that holds something is refused (earshot::Error naming
//   the folder and what it holds) unless `force`: then the set is written
//   into it, over files of the same name, and nothing is removed.
#pragma once

#include <string>
#include <vector>

namespace earshot {

void PrepareSynthFolder(const std::string& out, const std::string& kind,
                        const std::vector<std::string>& owned, bool force);

// Writes out/.earshot-synth naming `kind`: the folder is that generator's;
// then one line per entry of `written`, names of its own choosing (the
// folders of `synth keywords --words`) that a later run removes too.
void MarkSynthFolder(const std::string& out, const std::string& kind,
                     const std::vector<std::string>& written = {});

// What each generator writes at the top of its folder.
std::vector<std::string> KeywordOutputs();  // the 35 word folders, _unknown_, _background_noise_
std::vector<std::string> MixtureOutputs();  // train/, test/, train_answer.csv, submission.csv
std::vector<std::string> TaggingOutputs();  // audio_train/, audio_test/, train.csv, sample_submission.csv

}  // namespace earshot
