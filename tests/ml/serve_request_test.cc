// What the server reads of a classify request without HTTP
// (serve/request.h): the --top-k default, the multipart part chosen,
// raw PCM decoded to the same samples as `earshot stream -` reads.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "earshot/serve/request.h"
#include "earshot/stream/pcm_reader.h"

namespace earshot::serve {
namespace {

struct Part {
  std::string content, content_type;
};

int Status(const std::function<void()>& f) {
  try {
    f();
  } catch (const RequestError& e) {
    return e.status();
  }
  return 0;
}

TEST(ServeRequest, TopKDefaultsToTheServersUnlessGiven) {
  EXPECT_EQ(ParseClassifyQuery({}, 7).top_k, 7);
  EXPECT_EQ(ParseClassifyQuery({{"top_k", "2"}}, 7).top_k, 2);
  EXPECT_EQ(ParseClassifyQuery({}).top_k, 5);
  EXPECT_EQ(Status([] { ParseClassifyQuery({{"top_k", "0"}}, 7); }), 400);
}

TEST(ServeRequest, ChoosesTheBodyOrTheFilePartElseTheFirst) {
  const std::string body = "BODY";
  std::multimap<std::string, Part> parts = {{"a", {"first", "audio/wav"}}, {"file", {"sound", "audio/flac"}}};
  UploadBytes u = ChooseUpload(body, "audio/ogg", false, parts);
  EXPECT_EQ(*u.body, "BODY");
  EXPECT_EQ(u.content_type, "audio/ogg");
  u = ChooseUpload(body, "multipart/form-data; boundary=x", true, parts);
  EXPECT_EQ(*u.body, "sound");
  EXPECT_EQ(u.content_type, "audio/flac");
  parts.erase("file");
  u = ChooseUpload(body, "multipart/form-data; boundary=x", true, parts);
  EXPECT_EQ(*u.body, "first");
  EXPECT_EQ(u.content_type, "audio/wav");
  parts.clear();
  EXPECT_EQ(Status([&] { ChooseUpload(body, "multipart/form-data", true, parts); }), 400);
}

TEST(ServeRequest, RawPcmGivesTheStreamReadersSamples) {
  const std::string body("\x01\x00\x00\x80\xff\x7f\xfe\xff", 8);
  ClassifyQuery q = ParseClassifyQuery({{"format", "s16le"}, {"rate", "16000"}});
  const std::vector<float> x = DecodeUpload(body, "application/octet-stream", q, 16000, UploadLimits{});
  EXPECT_EQ(x, (std::vector<float>{1.f / 32768, -1.f, 32767.f / 32768, -2.f / 32768}));
  PcmReader r("s16le", 16000, 16000, "stdin");
  std::vector<float> streamed;
  r.Push(reinterpret_cast<const unsigned char*>(body.data()), body.size(), &streamed);
  EXPECT_EQ(x, streamed);
  EXPECT_EQ(Status([&] { DecodeUpload(body + "x", "", q, 16000, UploadLimits{}); }), 400);
}

}  // namespace
}  // namespace earshot::serve
