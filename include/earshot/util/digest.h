// Message digests (OpenSSL's libcrypto), as lowercase hex.
//
//   Sha1Hex("0a7c2a8d");               // the Speech Commands hash split
//   Digest d(Digest::Kind::kSha256);   // a bundle's checksum, fed in parts
//   d.Update(bytes.data(), bytes.size());
//   std::string hex = d.Hex();
#pragma once

#include <cstddef>
#include <memory>
#include <string>

namespace earshot {

class Digest {
 public:
  enum class Kind { kSha1, kSha256 };
  explicit Digest(Kind kind);
  ~Digest();
  Digest(const Digest&) = delete;
  Digest& operator=(const Digest&) = delete;

  void Update(const void* data, size_t size);
  void Update(const std::string& text) { Update(text.data(), text.size()); }
  // The digest of everything given so far; the object is then spent.
  std::string Hex();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::string Sha1Hex(const std::string& text);

}  // namespace earshot
