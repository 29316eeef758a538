// SHA-256 (OpenSSL's libcrypto) as lowercase hex: a bundle's checksum.
//
//   Sha256 d;
//   d.Update(bytes.data(), bytes.size());   // fed in parts
//   std::string hex = d.Hex();
#pragma once

#include <cstddef>
#include <memory>
#include <string>

namespace earshot {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(const void* data, size_t size);
  void Update(const std::string& text) { Update(text.data(), text.size()); }
  // The digest of everything given so far; the object is then spent.
  std::string Hex();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace earshot
