#include "earshot/report/html.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "earshot/audio/decode.h"
#include "earshot/report/base64.h"
#include "earshot/util/error.h"

namespace earshot::report {

std::string EscapeHtml(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string DataUri(const std::string& mime, const std::string& bytes) {
  return "data:" + mime + ";base64," + Base64Encode(bytes);
}

std::string WavBytes(const std::vector<float>& samples, int sample_rate) {
  float peak = 0.f;
  for (float x : samples) peak = std::max(peak, std::isfinite(x) ? std::fabs(x) : 0.f);
  // A clip above full scale (kept so by the clip store) is played as it is.
  return EncodeWav(samples, sample_rate, peak > 1.0f);
}

}  // namespace earshot::report
