// One reader per layout, each giving the clips in a stable order with the
// classes sorted by name (or in the file's column order); ReadDataset
// (readers.h) then filters, splits and relabels.
#pragma once

#include <string>
#include <vector>

#include "earshot/data/csv.h"
#include "earshot/data/data_options.h"
#include "earshot/data/dataset.h"

namespace earshot::data_internal {

Dataset ReadSpeechCommands(const DataOptions& o);
Dataset ReadCsvManifest(const DataOptions& o);
Dataset ReadSoftCsv(const DataOptions& o);
Dataset ReadNpzSet(const DataOptions& o);
Dataset ReadAudioFolder(const DataOptions& o);
Dataset ReadFileList(const DataOptions& o);
// The csv and soft_csv layouts from a table already parsed (ReadCsv or
// ParseCsv), audio in `audio_dir`: what ReadCsvManifest and ReadSoftCsv do
// after finding and reading the file. Messages name the table's path.
Dataset CsvManifestFromTable(const CsvTable& t, const DataOptions& o, const std::string& audio_dir);
Dataset SoftCsvFromTable(const CsvTable& t, const DataOptions& o, const std::string& audio_dir);
// csv and soft_csv test lists.
Dataset ReadCsvTestSet(const DataOptions& o, const std::string& layout);

// Case-insensitive match of the file's extension against `extensions`
// (given without dots).
bool HasExtension(const std::string& path, const std::vector<std::string>& extensions);

}  // namespace earshot::data_internal
