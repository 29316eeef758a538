// Which clips train, validate and test. Every rule is deterministic: the
// same files and options give the same split on any machine.
//
//   HashSplit("0a7c2a8d_nohash_0.wav", 10, 10);   // Split::kTrain, as TensorFlow
//   StratifiedKFold(ds, 10, 0, 777);              // seed 003
//   SaveSplit(ds, "run/split.csv");               // recorded with the run
#pragma once

#include <string>
#include <vector>

#include "earshot/data/dataset.h"

namespace earshot {

// TensorFlow's speech_commands which_set(): the file name up to "_nohash_"
// is hashed with SHA-1 and mapped onto [0, 100], so a speaker's clips share
// a split and the split of a file never changes as files are added.
double HashPercentage(const std::string& file_name);
Split HashSplit(const std::string& file_name, double validation_percentage,
                double testing_percentage);

// Every clip by HashSplit of its file name (its id for silence clips).
void AssignHashSplit(Dataset& ds, double validation_percentage, double testing_percentage);

// Speech Commands' validation_list.txt and testing_list.txt under `root`
// (paths relative to root, as clip ids); the other clips train. A missing
// list holds nothing; an entry naming no clip is an error unless its class
// folder is absent (a subset of the words was copied). Returns the lists
// that are there but name no clip of the data set (an empty file, say).
std::vector<std::string> AssignListSplit(Dataset& ds, const std::string& root);

// Per class (label; argmax of a soft label; one group for unlabeled clips):
// shuffle with the seed, round(n * test_fraction) test, round(n *
// validation_fraction) validation, the rest train.
void StratifiedSplit(Dataset& ds, double validation_fraction, double test_fraction, int seed);

// Holds out test_fraction per class as above, then deals the rest of each
// class over `folds` folds so that a class's counts per fold differ by at
// most one (and so do the folds' sizes). Clips of fold `fold` validate.
void StratifiedKFold(Dataset& ds, int folds, int fold, int seed, double test_fraction = 0.0);

// Makes `fold` the validation fold of a k-fold set.
void UseFold(Dataset& ds, int fold);

// Every clip in training.
void NoSplit(Dataset& ds);

struct SplitEntry {
  std::string id;
  Split split = Split::kNone;
  int fold = -1;
};

// CSV "id,split[,fold]", one row per clip; written atomically.
void SaveSplit(const Dataset& ds, const std::string& path);
std::vector<SplitEntry> LoadSplit(const std::string& path);
// Gives each clip its recorded split. Clips the file does not name are left
// out (a note says how many); ids starting with `silence_prefix` + "/" are
// silence clips and are recreated; any other id naming no clip is an error.
void ApplySplit(Dataset& ds, const std::vector<SplitEntry>& entries, const std::string& origin,
                const std::string& silence_prefix);

}  // namespace earshot
