#include "earshot/data/data_options.h"

#include <set>
#include <sstream>

#include "earshot/util/error.h"
#include "earshot/util/option_checks.h"

namespace earshot {
using namespace option_checks;

namespace {

void NoDuplicates(const char* name, const std::vector<std::string>& values) {
  std::set<std::string> seen;
  for (const auto& v : values) {
    if (v.empty()) ThrowOption("--" + std::string(name) + " holds an empty name");
    if (!seen.insert(v).second) {
      ThrowOption("--" + std::string(name) + " names '" + v + "' twice");
    }
  }
}

}  // namespace

void DataOptions::Visit(OptionVisitor& v) {
  v.Field("layout", layout, "auto | speech_commands | csv | soft_csv | npz | folder | list");
  v.Field("root", root, "data folder, or the .npz / list / manifest file");
  v.Field("csv", csv, "manifest relative to root; empty = train.csv (csv) | train_answer.csv (soft_csv)");
  v.Field("audio_dir", audio_dir, "audio folder relative to root; empty = audio_train (csv) | train (soft_csv)");
  v.Field("id_column", id_column, "file or id column; empty = fname (csv) | id (soft_csv)");
  v.Field("label_column", label_column, "csv: the class column");
  v.Field("verified_column", verified_column, "csv: 1/0 column, optional in the file");
  v.Field("verified_only", verified_only, "csv: keep only manually verified clips");
  v.Field("soft_tolerance", soft_tolerance, "soft_csv: largest |row sum - 1|");
  v.Field("test_csv", test_csv, "unlabeled test list relative to root (sample_submission.csv); empty = none");
  v.Field("test_audio_dir", test_audio_dir, "test audio folder; empty = audio_test (csv) | test (soft_csv)");
  v.Field("npz_samples", npz_samples, "npz: the clips x samples array");
  v.Field("npz_labels", npz_labels, "npz: the label array");
  v.Field("npz_rate", npz_rate, "npz: sample rate of the clips, Hz");
  v.Field("extensions", extensions, "folder/list: audio file extensions");
  v.Field("keep", keep, "only these classes, in this order; empty = all");
  v.Field("wanted_words", wanted_words, "these words + silence + unknown (TF); empty = every class");
  v.Field("silence_label", silence_label, "name of the silence class");
  v.Field("unknown_label", unknown_label, "name of the unknown-word class");
  v.Field("silence_percentage", silence_percentage, "silence clips, % of a split's wanted-word clips");
  v.Field("unknown_percentage", unknown_percentage, "unknown clips, % of a split's wanted-word clips (0-10000; at most all there are)");
  v.Field("classes", classes, "label order; empty = sorted, or TF order with wanted_words");
  v.Field("max_per_class", max_per_class, "first N clips of each class; 0 = all");
  v.Field("split", split, "auto | hash | lists | stratified | kfold | none | file");
  v.Field("validation_percentage", validation_percentage, "hash rule: % validation");
  v.Field("testing_percentage", testing_percentage, "hash rule: % test");
  v.Field("validation_fraction", validation_fraction, "stratified: fraction per class validating");
  v.Field("test_fraction", test_fraction, "stratified, kfold: fraction per class held out for test");
  v.Field("folds", folds, "kfold: number of folds");
  v.Field("fold", fold, "kfold: the fold that validates");
  v.Field("seed", seed, "stratified, kfold and unknown-word picking");
  v.Field("split_file", split_file, "split = file: CSV id,split[,fold] written by a run");
}

void DataOptions::Validate() const {
  OneOf("layout", layout, {"auto", "speech_commands", "csv", "soft_csv", "npz", "folder", "list"});
  if (root.empty()) ThrowOption("--root should name the data folder or file. Given: ''");
  OneOf("split", split, {"auto", "hash", "lists", "stratified", "kfold", "none", "file"});
  InRange("soft_tolerance", soft_tolerance, 1e-9, 0.5);
  InRange("npz_rate", npz_rate, 1000, 384000);
  if (npz_samples == npz_labels) {
    ThrowOption("--npz_samples and --npz_labels should name two arrays. Given: '" + npz_samples +
                "' for both");
  }
  if (extensions.empty()) ThrowOption("--extensions should name at least one extension");
  NoDuplicates("keep", keep);
  NoDuplicates("wanted_words", wanted_words);
  NoDuplicates("classes", classes);
  if (silence_label.empty() || unknown_label.empty() || silence_label == unknown_label) {
    ThrowOption("--silence_label and --unknown_label should be two different names. Given: '" +
                silence_label + "' and '" + unknown_label + "'");
  }
  for (const auto& w : wanted_words) {
    if (w == silence_label || w == unknown_label) {
      ThrowOption("--wanted_words should not name '" + w + "': it is added by itself");
    }
  }
  InRange("silence_percentage", silence_percentage, 0, 100);
  // Above 100 for a wake word: more near misses than phrase clips (capped
  // at the unknown clips there are).
  InRange("unknown_percentage", unknown_percentage, 0, 10000);
  if (max_per_class < 0) ThrowOption("--max_per_class should be >= 0. Given: " + Str(max_per_class));
  InRange("validation_percentage", validation_percentage, 0, 100);
  InRange("testing_percentage", testing_percentage, 0, 100);
  if (validation_percentage + testing_percentage > 100) {
    ThrowOption("--validation_percentage + --testing_percentage should be <= 100. Given: " +
                Str(validation_percentage) + " + " + Str(testing_percentage));
  }
  InRange("validation_fraction", validation_fraction, 0, 1);
  InRange("test_fraction", test_fraction, 0, 1);
  if (validation_fraction + test_fraction >= 1) {
    ThrowOption("--validation_fraction + --test_fraction should be < 1 (something must train). Given: " +
                Str(validation_fraction) + " + " + Str(test_fraction));
  }
  if (split == "kfold") {
    InRange("folds", folds, 2, 1000);
    if (fold < 0 || fold >= folds) {
      ThrowOption("--fold should be in [0, " + Str(folds - 1) + "] (--folds " + Str(folds) +
                  "). Given: " + Str(fold));
    }
  }
  if (split == "file" && split_file.empty()) {
    ThrowOption("--split=file needs --split_file, the CSV a run wrote (id,split[,fold])");
  }
}

}  // namespace earshot
