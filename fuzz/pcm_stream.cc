// Raw PCM as `earshot stream -` reads stdin (stream/pcm_reader.h): bytes to
// samples, a sample split between reads, NaN and infinite f32le samples,
// resampling to the model's rate. The input:
//
//   byte 0: bit 0: f32le (else s16le); bits 1-2: the input rate (16000,
//           8000, 44100, 16000 again: no resampling); bits 3-7: the number
//           of reads (1 + value)
//   bytes 1..: one byte per read after the first: where the split falls
//           (a fraction of the rest), then the PCM bytes
//
// The samples (and whether the stream is refused) must not depend on the
// reads: the same bytes in one read give the same samples, exactly.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "earshot/stream/pcm_reader.h"
#include "earshot/util/error.h"

namespace {

// The samples of `pcm` read in the pieces `cuts` gives; false if refused.
bool Read(const std::string& format, int rate, const uint8_t* pcm, size_t size, const std::vector<size_t>& cuts,
          std::vector<float>* out) {
  out->clear();
  try {
    earshot::PcmReader reader(format, rate, 16000, "fuzz");
    size_t from = 0;
    for (size_t cut : cuts) {
      reader.Push(pcm + from, cut - from, out);
      from = cut;
    }
    reader.Push(pcm + from, size - from, out);
    reader.Finish(out);
    if (reader.bytes() != static_cast<int64_t>(size)) std::abort();
    return true;
  } catch (const earshot::Error&) {
    return false;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string format = data[0] & 1 ? "f32le" : "s16le";
  const int rates[] = {16000, 8000, 44100, 16000};
  const int rate = rates[(data[0] >> 1) & 3];
  const size_t reads = 1 + (data[0] >> 3);
  const size_t head = std::min(size, reads);  // byte 0 and one per split
  const uint8_t* pcm = data + head;
  const size_t n = size - head;
  std::vector<size_t> cuts;
  for (size_t i = 1; i < head; ++i) {
    const size_t last = cuts.empty() ? 0 : cuts.back();
    cuts.push_back(last + (n - last) * data[i] / 255);
  }
  std::vector<float> whole, pieces;
  const bool ok_whole = Read(format, rate, pcm, n, {}, &whole);
  const bool ok_pieces = Read(format, rate, pcm, n, cuts, &pieces);
  if (ok_whole != ok_pieces) {
    std::fprintf(stderr, "refused in one read: %d, in %zu reads: %d\n", !ok_whole, cuts.size() + 1, !ok_pieces);
    std::abort();
  }
  // Bit for bit (memcmp: -0 is not 0 here); no memcmp of empty vectors.
  if (ok_whole && (whole.size() != pieces.size() ||
                   (!whole.empty() && std::memcmp(whole.data(), pieces.data(), whole.size() * sizeof(float)) != 0))) {
    std::fprintf(stderr, "%zu samples in one read, %zu in %zu reads, or other values\n", whole.size(), pieces.size(),
                 cuts.size() + 1);
    std::abort();
  }
  return 0;
}
