// A short example sound made from nothing, for the README's first command
// and for tests: a rising chirp, two tone bursts and a little noise.
#pragma once

#include <cstdint>
#include <vector>

namespace earshot {

std::vector<float> MakeExampleSound(int sample_rate, double seconds, uint64_t seed);

}  // namespace earshot
