#include "earshot/audio/reverb_time.h"

#include <cmath>
#include <vector>

namespace earshot {

double MeasureRt60(const float* h, int64_t n, int sample_rate) {
  if (n <= 0) return 0.0;
  std::vector<double> edc(static_cast<size_t>(n));
  double sum = 0;
  for (int64_t i = n - 1; i >= 0; --i) {
    sum += static_cast<double>(h[i]) * h[i];
    edc[static_cast<size_t>(i)] = sum;
  }
  if (sum <= 0) return 0.0;
  // Line fit of dB against seconds over the -5 to -25 dB part.
  double st = 0, sd = 0, stt = 0, std_ = 0;
  int64_t count = 0;
  bool reached = false;
  for (int64_t i = 0; i < n; ++i) {
    const double db = 10.0 * std::log10(edc[static_cast<size_t>(i)] / sum);
    if (db < -25.0) {
      reached = true;
      break;
    }
    if (db > -5.0) continue;
    const double t = static_cast<double>(i) / sample_rate;
    st += t;
    sd += db;
    stt += t * t;
    std_ += t * db;
    ++count;
  }
  if (!reached || count < 2) return 0.0;
  const double c = static_cast<double>(count);
  const double slope = (c * std_ - st * sd) / (c * stt - st * st);  // dB per second
  return slope < 0 ? -60.0 / slope : 0.0;
}

}  // namespace earshot
