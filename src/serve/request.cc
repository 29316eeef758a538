#include "earshot/serve/request.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include <nlohmann/json.hpp>

#include "earshot/audio/levels.h"
#include "earshot/audio/resampler.h"
#include "earshot/stream/pcm_reader.h"
#include "earshot/util/error.h"

namespace earshot::serve {
namespace {

constexpr int kMaxRate = 1000000;  // as the decoder's header check

int ParseInt(const std::string& name, const std::string& value, int low, int high) {
  int v = 0;
  const char* end = value.data() + value.size();
  const auto [ptr, ec] = std::from_chars(value.data(), end, v);
  if (value.empty() || ec != std::errc() || ptr != end || v < low || v > high) {
    throw RequestError(400, "query parameter " + name + " should be an integer in [" + std::to_string(low) +
                                ", " + std::to_string(high) + "]. Given: '" + value + "'");
  }
  return v;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// The media type without parameters ("audio/wav; codecs=1" -> "audio/wav").
std::string MediaType(const std::string& content_type) {
  std::string t = Lower(content_type.substr(0, content_type.find(';')));
  t.erase(std::remove_if(t.begin(), t.end(), [](unsigned char c) { return std::isspace(c); }), t.end());
  return t;
}

std::string Seconds(double s) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.3g", s);
  return buffer;
}

void CheckDuration(double seconds, const UploadLimits& limits) {
  if (seconds > limits.max_audio_seconds) {
    throw RequestError(413, "the sound is " + Seconds(seconds) + " s long; the limit is " +
                                Seconds(limits.max_audio_seconds) + " s (--max-audio-seconds)");
  }
}

std::vector<float> DecodePcm(const std::string& body, const ClassifyQuery& q, int target_rate,
                             const UploadLimits& limits, AudioInfo* info) {
  const size_t width = PcmSampleBytes(q.format);
  if (body.size() % width != 0) {
    throw RequestError(400, "raw " + q.format + " audio should be a whole number of " + std::to_string(width) +
                                "-byte samples. Given: " + std::to_string(body.size()) + " bytes");
  }
  const size_t n = body.size() / width;
  CheckDuration(static_cast<double>(n) / q.rate, limits);
  std::vector<float> x;
  AppendPcmSamples(reinterpret_cast<const unsigned char*>(body.data()), body.size(), q.format, &x);
  try {
    CheckLevels(x.data(), static_cast<int64_t>(n), "raw " + q.format + " audio");
  } catch (const Error& e) {
    throw RequestError(400, e.what());
  }
  if (info) {
    info->sample_rate = q.rate;
    info->channels = 1;
    info->frames = static_cast<int64_t>(n);
    info->duration = static_cast<double>(n) / q.rate;
    info->format = "raw " + q.format;
  }
  return target_rate > 0 && target_rate != q.rate ? Resample(x, q.rate, target_rate) : x;
}

}  // namespace

ClassifyQuery ParseClassifyQuery(const std::multimap<std::string, std::string>& params, int default_top_k) {
  ClassifyQuery q;
  q.top_k = default_top_k;
  for (auto it = params.begin(); it != params.end(); it = params.upper_bound(it->first)) {
    const std::string& name = it->first;
    if (params.count(name) > 1) throw RequestError(400, "query parameter " + name + " is given more than once");
    const std::string& value = it->second;
    if (name == "model") {
      q.model = value;
    } else if (name == "top_k") {
      q.top_k = ParseInt("top_k", value, 1, 100000);
    } else if (name == "format") {
      if (value != "s16le" && value != "f32le") {
        throw RequestError(400, "query parameter format should be s16le | f32le (raw mono PCM; leave it out for a "
                                "sound file). Given: '" + value + "'");
      }
      q.format = value;
    } else if (name == "rate") {
      q.rate = ParseInt("rate", value, 1, kMaxRate);
    } else {
      throw RequestError(400, "unknown query parameter '" + name + "': known are model, top_k, format, rate");
    }
  }
  if (!q.format.empty() && q.rate == 0) {
    throw RequestError(400, "raw " + q.format + " audio needs its sample rate: add rate=HZ to the query");
  }
  if (q.format.empty() && q.rate != 0) {
    throw RequestError(400, "query parameter rate is for raw PCM only: add format=s16le | f32le, or leave rate "
                            "out for a sound file (its header gives the rate)");
  }
  return q;
}

std::vector<float> DecodeUpload(const std::string& body, const std::string& content_type,
                                const ClassifyQuery& q, int target_rate, const UploadLimits& limits,
                                AudioInfo* info) {
  if (body.empty()) {
    throw RequestError(400, "empty body: send a sound file (WAV, FLAC, OGG), a multipart/form-data file, or raw "
                            "PCM with ?format=s16le|f32le&rate=HZ");
  }
  if (body.size() > limits.max_body_bytes) {
    throw RequestError(413, "the body is " + std::to_string(body.size()) + " bytes; the limit is " +
                                std::to_string(limits.max_body_bytes) + " (--max-body-bytes)");
  }
  const std::string type = MediaType(content_type);
  if (type.rfind("text/", 0) == 0 || type == "application/json" || type == "application/x-www-form-urlencoded" ||
      type.rfind("multipart/", 0) == 0) {
    throw RequestError(415, "content type '" + content_type + "' is not sound: send audio/* (WAV, FLAC, OGG), "
                            "application/octet-stream, multipart/form-data with a file, or raw PCM");
  }
  if (!q.format.empty()) return DecodePcm(body, q, target_rate, limits, info);
  try {
    CheckDuration(ProbeMemory(body.data(), body.size(), "upload").duration, limits);
    return DecodeMemory(body.data(), body.size(), "upload", target_rate, info);
  } catch (const Error& e) {
    throw RequestError(400, e.what());
  }
}

std::string ErrorJson(const std::string& message) {
  return nlohmann::json{{"error", message}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace earshot::serve
