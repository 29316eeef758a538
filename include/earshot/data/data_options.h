// The [data] table of a recipe: where the clips are, how they are labelled
// and how they are split.
//
//   DataOptions o;
//   o.root = "speech_commands_v0.01";
//   SetOption(o, "wanted_words", "yes,no,up,down,left,right,on,off,stop,go");
//   Dataset ds = ReadDataset(o);   // validates, reads, splits (data/readers.h)
//
// Empty strings mean "the layout's default"; docs/data.md lists them.
#pragma once

#include <string>
#include <vector>

#include "earshot/util/options.h"

namespace earshot {

struct DataOptions : Options {
  std::string layout = "auto";   // auto | speech_commands | csv | soft_csv | npz | folder | list
  std::string root;              // data folder, or the .npz / list / manifest file itself
  // CSV manifests (csv: Freesound train.csv; soft_csv: train_answer.csv).
  std::string csv;               // manifest, relative to root; "" = train.csv | train_answer.csv
  std::string audio_dir;         // audio folder, relative to root; "" = audio_train | train
  std::string id_column;         // "" = fname (csv) | id (soft_csv)
  std::string label_column = "label";               // csv: the class column
  std::string verified_column = "manually_verified";  // csv: 1/0, optional column
  bool verified_only = false;    // csv: keep only manually verified clips
  double soft_tolerance = 1e-3;  // soft_csv: largest |sum - 1| of a row
  // The unlabeled test list (sample_submission.csv, submission.csv).
  std::string test_csv;          // relative to root; "" = none
  std::string test_audio_dir;    // "" = audio_test | test
  // .npz (seed 001).
  std::string npz_samples = "wav_vals";  // 2-D float array: clips x samples
  std::string npz_labels = "label_vals"; // string (or integer) labels, one per clip
  int npz_rate = 8000;           // Hz of the .npz clips
  // Folder and list layouts.
  std::vector<std::string> extensions{"wav", "flac", "ogg", "mp3"};  // audio files looked for
  // Labels.
  std::vector<std::string> keep;          // only these classes; others are left out (seed 000)
  std::vector<std::string> wanted_words;  // these words + silence + unknown (TF); empty = every class
  std::string silence_label = "_silence_";
  std::string unknown_label = "_unknown_";
  double silence_percentage = 10.0;  // silence clips, % of a split's wanted-word clips
  double unknown_percentage = 10.0;  // unknown clips, % of a split's wanted-word clips (0-10000;
                                     // at most all there are)
  std::vector<std::string> classes;  // label order; empty = sorted (TF order with wanted_words)
  int max_per_class = 0;             // first N clips of each class (quick runs); 0 = all
  // Splits.
  std::string split = "auto";        // auto | hash | lists | stratified | kfold | none | file
  double validation_percentage = 10.0;  // hash rule
  double testing_percentage = 10.0;     // hash rule
  double validation_fraction = 0.2;  // stratified
  double test_fraction = 0.0;        // stratified and kfold: held out first
  int folds = 5;                     // kfold
  int fold = 0;                      // kfold: the fold validated in this run
  int seed = 1;                      // stratified, kfold, unknown-word picking
  std::string split_file;            // split = file: CSV id,split[,fold] (SaveSplit)

  void Visit(OptionVisitor& v) override;
  void Validate() const override;
};

}  // namespace earshot
