// A data set as read from disk: the clips, their labels and splits, before
// any audio is decoded.
//
//   Dataset ds = ReadDataset(data_options);   // data/readers.h
//   ds.classes        -> stable label order, recorded with every run
//   ds.clips[i].label -> index into classes, or -1 when unlabeled
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace earshot {

enum class Split { kTrain, kValidation, kTest, kNone };
// "train", "validation", "test", "none": the names used in split files.
const char* SplitName(Split s);
// The inverse of SplitName; also accepts TensorFlow's "training" and
// "testing". Throws Error(kBadData) naming the text.
Split ParseSplit(const std::string& name);

struct ClipRef {
  std::string path;          // audio file; empty for .npz rows and silence clips
  std::string id;            // name used in outputs (relative path, CSV id, .npz row)
  int label = -1;            // class index, -1 when unlabeled or soft-labelled
  std::vector<float> soft;   // soft-label distribution (seed 002), else empty
  bool verified = true;      // manually_verified (Freesound CSV)
  bool silence = false;      // no recording: the loader makes silence or background noise
  Split split = Split::kNone;
  int fold = -1;             // k-fold: the fold this clip validates in, else -1
  int64_t array_row = -1;    // row in Dataset::array when the set is an .npz
  std::string speaker;       // Speech Commands: file name up to _nohash_
};

struct Dataset {
  std::string root;                     // where it was read from
  std::string layout;                   // speech_commands | csv | soft_csv | npz | folder | list
  std::vector<std::string> classes;     // label order
  std::vector<ClipRef> clips;
  std::vector<std::string> noise_files; // _background_noise_/*.wav, kept apart
  // An .npz set holds its equal-length clips in memory: rows x samples.
  std::vector<float> array;
  int64_t array_samples = 0;
  int array_rate = 0;
  bool soft_labels = false;
  int folds = 0;                        // k-fold: number of folds, else 0
  int silence_class = -1;               // index of the silence class, when there is one
  int unknown_class = -1;               // index of the unknown-word class, when there is one
  // What reading decided beyond the options' plain meaning (clips left out
  // and why), so that nothing is dropped without a word.
  std::vector<std::string> notes;
};

}  // namespace earshot
