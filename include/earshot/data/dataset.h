// A data set as read from disk: the clips, their labels and splits, before
// any audio is decoded.
//
//   Dataset ds = ReadDataset(layout_options);   // data/readers
//   ds.classes        -> stable label order, recorded with every run
//   ds.clips[i].label -> index into classes, or -1 when unlabeled
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace earshot {

enum class Split { kTrain, kValidation, kTest, kNone };
const char* SplitName(Split s);

struct ClipRef {
  std::string path;          // audio file; empty when samples come from an array (.npz)
  std::string id;            // name used in outputs (file name, CSV id)
  int label = -1;            // class index, -1 when unlabeled or soft-labelled
  std::vector<float> soft;   // soft-label distribution (seed 002), else empty
  bool verified = true;      // manually_verified (Freesound CSV)
  Split split = Split::kNone;
  int64_t array_row = -1;    // row in Dataset::array when the set is an .npz
  std::string speaker;       // Speech Commands: file name up to _nohash_
};

struct Dataset {
  std::string root;                     // where it was read from
  std::string layout;                   // speech_commands | csv | soft_csv | npz | folder
  std::vector<std::string> classes;     // label order
  std::vector<ClipRef> clips;
  std::vector<std::string> noise_files; // _background_noise_/*.wav, kept apart
  // An .npz set holds its equal-length clips in memory: rows x samples.
  std::vector<float> array;
  int64_t array_samples = 0;
  int array_rate = 0;
  bool soft_labels = false;
};

}  // namespace earshot
