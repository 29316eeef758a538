#include "earshot/features/window.h"

#include <cmath>

#include "earshot/util/error.h"

namespace earshot {

std::vector<float> MakeWindow(const std::string& kind, int length, bool periodic) {
  if (length < 1) ThrowOption("window length should be >= 1. Given: " + std::to_string(length));
  std::vector<float> w(static_cast<size_t>(length), 1.f);
  if (kind == "rect" || length == 1) return w;
  double a0;
  if (kind == "hann") a0 = 0.5;
  else if (kind == "hamming") a0 = 0.54;
  else ThrowOption("--window should be one of hann | hamming | rect. Given: '" + kind + "'");
  const double denom = periodic ? length : length - 1;
  for (int n = 0; n < length; ++n) {
    w[static_cast<size_t>(n)] =
        static_cast<float>(a0 - (1.0 - a0) * std::cos(2.0 * M_PI * n / denom));
  }
  return w;
}

}  // namespace earshot
