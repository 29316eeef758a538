#include "earshot/report/html.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "earshot/report/base64.h"
#include "earshot/util/error.h"

namespace earshot::report {
namespace {

void PutLe(std::string& out, uint32_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
}

}  // namespace

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
  if (sample_rate <= 0) {
    ThrowOption("WAV: the sample rate should be > 0. Given: " + std::to_string(sample_rate));
  }
  const uint32_t data_bytes = static_cast<uint32_t>(samples.size() * 2);
  std::string out;
  out.reserve(44 + data_bytes);
  out += "RIFF";
  PutLe(out, 36 + data_bytes, 4);
  out += "WAVEfmt ";
  PutLe(out, 16, 4);                                          // fmt chunk size
  PutLe(out, 1, 2);                                           // PCM
  PutLe(out, 1, 2);                                           // mono
  PutLe(out, static_cast<uint32_t>(sample_rate), 4);
  PutLe(out, static_cast<uint32_t>(sample_rate) * 2, 4);      // bytes per second
  PutLe(out, 2, 2);                                           // bytes per frame
  PutLe(out, 16, 2);                                          // bits per sample
  out += "data";
  PutLe(out, data_bytes, 4);
  for (float x : samples) {
    const float clipped = std::isfinite(x) ? std::clamp(x, -1.0f, 1.0f) : 0.0f;
    const auto v = static_cast<int16_t>(std::lround(clipped * 32767.0f));
    PutLe(out, static_cast<uint16_t>(v), 2);
  }
  return out;
}

}  // namespace earshot::report
