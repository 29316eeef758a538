// A POST /v1/classify request as the server reads it, before any model
// runs: the query string (httplib's own parsing), the content type, the
// choice of the multipart part holding the sound, and its decoding (a sound
// file or raw PCM, checked against the limits, resampled). The input:
//
//   byte 0: flags; bit 0: the parts below are multipart/form-data parts,
//           bits 1-2: the model's rate (16000, 8000, 44100, 22050)
//   line 1: the query string (model=kws&top_k=3&format=s16le&rate=8000)
//   line 2: the Content-Type header
//   rest:   the body; with bit 0, parts separated by "\n--\n", each
//           "NAME\nCONTENT-TYPE\nCONTENT"
//
// Every input ends in success or a RequestError (an HTTP 4xx); an
// earshot::Error escaping would be a 500, so it fails here.
#include <httplib.h>

#include <cstdint>
#include <string>
#include <vector>

#include "earshot/serve/request.h"

namespace {

std::string Line(const std::string& s, size_t* at) {
  const size_t end = s.find('\n', *at);
  const std::string line = s.substr(*at, end == std::string::npos ? std::string::npos : end - *at);
  *at = end == std::string::npos ? s.size() : end + 1;
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const bool multipart = data[0] & 1;
  const int rates[] = {16000, 8000, 44100, 22050};
  const int model_rate = rates[(data[0] >> 1) & 3];
  size_t at = 0;
  httplib::Request req;
  httplib::detail::parse_query_text(Line(input, &at), req.params);
  req.set_header("Content-Type", Line(input, &at));
  const std::string rest = input.substr(at);
  if (multipart) {
    for (size_t from = 0; from <= rest.size();) {
      const size_t end = rest.find("\n--\n", from);
      const std::string part = rest.substr(from, end == std::string::npos ? std::string::npos : end - from);
      size_t p = 0;
      httplib::MultipartFormData item;
      item.name = Line(part, &p);
      item.content_type = Line(part, &p);
      item.content = part.substr(p);
      req.files.emplace(item.name, item);
      if (end == std::string::npos) break;
      from = end + 4;
    }
  } else {
    req.body = rest;
  }
  earshot::serve::UploadLimits limits;
  limits.max_body_bytes = 1 << 20;
  limits.max_audio_seconds = 30.0;
  try {
    const earshot::serve::ClassifyQuery q = earshot::serve::ParseClassifyQuery(req.params, 5);
    // The server asks the multipart question of the request, as here; with
    // bit 0 unset, parts are not parsed, as for any other content type.
    const earshot::serve::UploadBytes upload = earshot::serve::ChooseUpload(
        req.body, req.get_header_value("Content-Type"), multipart && req.is_multipart_form_data(), req.files);
    earshot::AudioInfo info;
    const std::vector<float> x =
        earshot::serve::DecodeUpload(*upload.body, upload.content_type, q, model_rate, limits, &info);
    volatile float sum = 0.f;
    for (float v : x) sum = sum + v;
    earshot::serve::ErrorJson(upload.content_type);
  } catch (const earshot::serve::RequestError& e) {
    earshot::serve::ErrorJson(e.what());  // the refusal's body, bytes of any kind
  }
  return 0;
}
