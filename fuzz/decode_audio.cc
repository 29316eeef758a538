// Sound files from memory (libsndfile's virtual I/O): decoding, mixing to
// mono, the level rule and resampling to 16 kHz, as training reads clips.
#include <cstdint>
#include <vector>

#include "earshot/audio/decode.h"
#include "earshot/util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    earshot::AudioInfo info;
    const std::vector<float> x = earshot::DecodeMemory(data, size, "fuzz.wav", 16000, &info);
    // Touch every sample: a short buffer would show here under ASan.
    volatile float sum = 0.f;
    for (float v : x) sum = sum + v;
  } catch (const earshot::Error&) {
  }
  return 0;
}
