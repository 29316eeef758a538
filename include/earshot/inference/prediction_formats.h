// Prediction sets written the ways the seed recipes hand them in.
//
//   eval::Predictions p = predictor.PredictFiles(paths, ids);
//   std::cout << FormatTopK(p, 3, "csv");       // id,label_1,probability_1,...
//   WriteText("submission.csv", FormatFreesound(p));               // seed 003
//   WriteText("submission.csv", FormatDacon(p, "submission.csv")); // seed 002
//   WriteNpyWithIds("test_pred.npy", p);        // + test_pred.ids.txt (seed 003)
//
// Ranks follow eval::Argmax: descending probability, ties to the lower
// class index.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "earshot/eval/ensemble.h"

namespace earshot {

// Class indices of one row of `classes` scores, the k best first (k capped
// at classes); ties to the lower index.
std::vector<int> TopClasses(const float* row, int classes, int k);

// The k best labels per row: "csv" gives a header
// `id,label_1,probability_1,...,label_k,probability_k`; "json" an array of
// {"id", "top": [{"label", "probability"}...]}, then for each file in
// `skipped` (id, why it could not be read) {"id", "top": [], "skipped"}.
// k is capped at the class count; k < 1 is an error.
std::string FormatTopK(const eval::Predictions& predictions, int k, const std::string& format,
                       const std::vector<std::pair<std::string, std::string>>& skipped = {});

// Freesound 2018 (seed 003): header `fname,label`, then per row the id and
// the 3 best labels separated by spaces.
std::string FormatFreesound(const eval::Predictions& predictions);

// DACON (seed 002): the template's header (`id` then class columns, in its
// order) and its ids, each row filled with that id's probabilities. A
// template id matches a prediction id exactly or without its audio
// extension ("12" matches "12.wav"). A template class the model lacks, a
// class of the model the template lacks, or a template id with no
// prediction is an error naming the template.
std::string FormatDacon(const eval::Predictions& predictions, const std::string& template_csv);

// The probability matrix as .npy (rows x classes, float32) and the row ids,
// one per line, in `<path without .npy>.ids.txt`. Returns that ids path.
std::string WriteNpyWithIds(const std::string& npy_path, const eval::Predictions& predictions);

}  // namespace earshot
