// Analysis windows, as torch.hann_window / torch.hamming_window.
#pragma once

#include <string>
#include <vector>

namespace earshot {

// `kind` is hann | hamming | rect. Periodic windows divide by `length`
// (torch's default, scipy's fftbins=True); symmetric ones by `length - 1`.
std::vector<float> MakeWindow(const std::string& kind, int length, bool periodic);

}  // namespace earshot
