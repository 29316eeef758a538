// The soft_csv layout (id + one share per class) from the bytes of the
// file: CSV parsing, then the shares' rules.
#include <cstdint>
#include <string>

#include "earshot/data/csv.h"
#include "earshot/util/error.h"
#include "data/layout_readers.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const earshot::CsvTable t = earshot::ParseCsv(
        std::string(reinterpret_cast<const char*>(data), size), "fuzz_answer.csv");
    earshot::DataOptions o;
    earshot::data_internal::SoftCsvFromTable(t, o, "train");
  } catch (const earshot::Error&) {
  }
  return 0;
}
