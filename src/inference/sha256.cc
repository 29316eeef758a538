#include "earshot/inference/sha256.h"

#include <openssl/evp.h>

#include "earshot/util/error.h"

namespace earshot {

struct Sha256::Impl {
  EVP_MD_CTX* ctx = nullptr;
  bool done = false;
};

namespace {

[[noreturn]] void Fail(const std::string& what) {
  throw Error(ErrorKind::kInternal, "message digest: " + what + " failed in libcrypto");
}

}  // namespace

Sha256::Sha256() : impl_(std::make_unique<Impl>()) {
  impl_->ctx = EVP_MD_CTX_new();
  if (impl_->ctx == nullptr) Fail("EVP_MD_CTX_new");
  if (EVP_DigestInit_ex(impl_->ctx, EVP_sha256(), nullptr) != 1) Fail("EVP_DigestInit_ex");
}

Sha256::~Sha256() { EVP_MD_CTX_free(impl_->ctx); }

void Sha256::Update(const void* data, size_t size) {
  if (impl_->done) throw Error(ErrorKind::kInternal, "Sha256::Update after Hex()");
  if (size > 0 && EVP_DigestUpdate(impl_->ctx, data, size) != 1) Fail("EVP_DigestUpdate");
}

std::string Sha256::Hex() {
  if (impl_->done) throw Error(ErrorKind::kInternal, "Sha256::Hex called twice");
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


}  // namespace earshot
