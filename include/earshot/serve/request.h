// What a classify request asks and the sound it carries, read without
// HTTP: the server hands over the query parameters, the body (or the
// multipart part holding the file) and its content type.
//
//   ClassifyQuery q = ParseClassifyQuery(params);        // ?model=kws&top_k=3
//   std::vector<float> x = DecodeUpload(body, "audio/wav", q, 16000, limits);
//
// Every refusal is a RequestError with the HTTP status it answers with:
// 400 for a bad query value or bad audio, 413 for a body or a sound over
// the limits, 415 for a content type that is not sound.
#pragma once

#include <cstddef>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "earshot/audio/decode.h"

namespace earshot::serve {

class RequestError : public std::runtime_error {
 public:
  RequestError(int status, const std::string& message) : std::runtime_error(message), status_(status) {}
  int status() const { return status_; }

 private:
  int status_;
};

struct ClassifyQuery {
  std::string model;    // "" = the server's only model
  int top_k = 5;        // labels in "top" (capped at the label count)
  std::string format;   // "" = a sound file (WAV, FLAC, OGG...); s16le | f32le = raw mono PCM
  int rate = 0;         // raw PCM's sample rate, Hz (required with format)
};

// Query parameters (name -> value) of POST /v1/classify: model, top_k,
// format, rate. An unknown parameter, a repeated one or a bad value is a
// RequestError(400) naming it. Without top_k, q.top_k is `default_top_k`
// (the server's --top-k).
ClassifyQuery ParseClassifyQuery(const std::multimap<std::string, std::string>& params, int default_top_k = 5);

// The bytes of a request that hold the sound and their content type: the
// body itself, or for a multipart/form-data body (`multipart`) the part
// named "file", else the first part. `Parts` maps a part's name to an item
// with `content` and `content_type` (httplib's MultipartFormDataItems). No
// part at all is a RequestError(400).
struct UploadBytes {
  const std::string* body;
  std::string content_type;
};
template <class Parts>
UploadBytes ChooseUpload(const std::string& body, const std::string& content_type, bool multipart,
                         const Parts& parts) {
  if (!multipart) return {&body, content_type};
  if (parts.empty()) {
    throw RequestError(400, "the multipart/form-data body holds no file: send the sound as a part named 'file'");
  }
  auto part = parts.find("file");
  if (part == parts.end()) part = parts.begin();
  return {&part->second.content, part->second.content_type};
}

struct UploadLimits {
  size_t max_body_bytes = 16u << 20;
  double max_audio_seconds = 600.0;
};

// The sound of a request body as mono float at target_rate: a sound file
// (audio/*, application/octet-stream or no content type; decoded from
// memory with the level rule and resampling of DecodeFile), or raw
// little-endian PCM when q.format is given. Refuses (RequestError) an empty
// body (400), a body over max_body_bytes or a sound longer than
// max_audio_seconds (413, checked from the header before decoding), a
// text, JSON or form content type (415), and audio libsndfile cannot read,
// truncated, or with NaN, infinite or absurd samples (400, the decoder's
// message). `info` receives the upload's own rate, channels and length.
std::vector<float> DecodeUpload(const std::string& body, const std::string& content_type,
                                const ClassifyQuery& q, int target_rate, const UploadLimits& limits,
                                AudioInfo* info = nullptr);

// The JSON error body every refusal carries: {"error": message}.
std::string ErrorJson(const std::string& message);

}  // namespace earshot::serve
