#include "earshot/util/digest.h"

#include <openssl/evp.h>

#include "earshot/util/error.h"

namespace earshot {

struct Digest::Impl {
  EVP_MD_CTX* ctx = nullptr;
  bool done = false;
};

namespace {

[[noreturn]] void Fail(const std::string& what) {
  throw Error(ErrorKind::kInternal, "message digest: " + what + " failed in libcrypto");
}

}  // namespace

Digest::Digest(Kind kind) : impl_(std::make_unique<Impl>()) {
  impl_->ctx = EVP_MD_CTX_new();
  if (impl_->ctx == nullptr) Fail("EVP_MD_CTX_new");
  const EVP_MD* md = kind == Kind::kSha1 ? EVP_sha1() : EVP_sha256();
  if (EVP_DigestInit_ex(impl_->ctx, md, nullptr) != 1) Fail("EVP_DigestInit_ex");
}

Digest::~Digest() { EVP_MD_CTX_free(impl_->ctx); }

void Digest::Update(const void* data, size_t size) {
  if (impl_->done) throw Error(ErrorKind::kInternal, "Digest::Update after Hex()");
  if (size > 0 && EVP_DigestUpdate(impl_->ctx, data, size) != 1) Fail("EVP_DigestUpdate");
}

std::string Digest::Hex() {
  if (impl_->done) throw Error(ErrorKind::kInternal, "Digest::Hex called twice");
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_DigestFinal_ex(impl_->ctx, digest, &size) != 1) Fail("EVP_DigestFinal_ex");
  impl_->done = true;
  static const char* kHex = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 15];
  }
  return hex;
}

std::string Sha1Hex(const std::string& text) {
  Digest d(Digest::Kind::kSha1);
  d.Update(text);
  return d.Hex();
}

}  // namespace earshot
