// The csv layout (Freesound's train.csv: fname,label[,manually_verified])
// from the bytes of the file: CSV parsing, then the manifest rules.
#include <cstdint>
#include <string>

#include "earshot/data/csv.h"
#include "earshot/util/error.h"
#include "data/layout_readers.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const earshot::CsvTable t =
        earshot::ParseCsv(std::string(reinterpret_cast<const char*>(data), size), "fuzz.csv");
    for (size_t r = 0; r < t.rows.size(); ++r) (void)t.Where(r);
    earshot::DataOptions o;
    earshot::data_internal::CsvManifestFromTable(t, o, "audio_train");
  } catch (const earshot::Error&) {
  }
  return 0;
}
