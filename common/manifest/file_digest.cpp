#include "common/manifest/file_digest.h"

#include <sodium.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "common/error.h"

namespace beamline::manifest {
namespace {

std::string hex_digest(const unsigned char* hash) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text = "sha256:";
  for (size_t i = 0; i < crypto_hash_sha256_BYTES; ++i) {
    text += kHex[hash[i] >> 4];
    text += kHex[hash[i] & 0xf];
  }
  return text;
}

void ensure_sodium() {
  // sodium_init is idempotent and thread-safe; < 0 means no usable RNG,
  // which hashing does not need, but the library asks to be initialised.
  if (sodium_init() < 0) throw Error("libsodium failed to initialise");
}

}  // namespace

FileDigest digest_file(const std::string& path) {
  ensure_sodium();
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) fail_in_file(path, std::string("cannot read: ") + std::strerror(errno));
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  std::array<unsigned char, 1 << 16> buffer{};
  FileDigest result;
  size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), file.get())) > 0) {
    crypto_hash_sha256_update(&state, buffer.data(), n);
    result.size += n;
  }
  if (std::ferror(file.get())) fail_in_file(path, "read error while computing its SHA-256");
  std::array<unsigned char, crypto_hash_sha256_BYTES> hash{};
  crypto_hash_sha256_final(&state, hash.data());
  result.digest = hex_digest(hash.data());
  return result;
}

std::string digest_text(std::string_view text) {
  ensure_sodium();
  std::array<unsigned char, crypto_hash_sha256_BYTES> hash{};
  crypto_hash_sha256(hash.data(), reinterpret_cast<const unsigned char*>(text.data()), text.size());
  return hex_digest(hash.data());
}

}  // namespace beamline::manifest
