// Reading a data set from disk in one of its real layouts (docs/data.md):
//
//   speech_commands  <root>/<word>/<name>.wav, _background_noise_/, lists
//   csv              train.csv (fname,label[,manually_verified]) + audio_train/
//   soft_csv         train_answer.csv (id + one column per class) + train/
//   npz              an .npz with a clips x samples array and a label array
//   folder           every audio file under root, unlabeled
//   list             a text file, one audio path per line, unlabeled
//
//   DataOptions o;  o.root = "data/kws";
//   Dataset ds = ReadDataset(o);
//
// Only names and headers of CSVs are read here: no audio is decoded.
#pragma once

#include <string>

#include "earshot/data/data_options.h"
#include "earshot/data/dataset.h"

namespace earshot {

// Validates the options, reads the layout (detected when "auto"), applies
// verified_only, keep, max_per_class, the split, wanted_words and classes,
// in that order.
Dataset ReadDataset(const DataOptions& options);

// The unlabeled clips of options.test_csv (sample_submission.csv,
// submission.csv), split kTest. For soft_csv the classes are the file's
// columns, the order answers are written in; for csv they are empty (a
// model brings its own). Throws when test_csv is not set.
Dataset ReadTestSet(const DataOptions& options);

// A train_answer.csv -> soft_csv, train.csv -> csv, one *.npz -> npz,
// folders of .wav files -> speech_commands, audio files -> folder; a file
// root: .npz -> npz, .csv -> csv or soft_csv by its header, else list.
// Throws naming root when nothing fits.
std::string DetectLayout(const std::string& root);

}  // namespace earshot
