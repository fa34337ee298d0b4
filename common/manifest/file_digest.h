#pragma once
// SHA-256 of a file's bytes (libsodium's crypto_hash_sha256), as the
// manifest writes it: "sha256:" + 64 lowercase hex digits.
#include <cstdint>
#include <string>
#include <string_view>

namespace beamline::manifest {

struct FileDigest {
  std::string digest;  // "sha256:..."
  uint64_t size = 0;
};

// Throws beamline::Error naming the file when it cannot be read.
FileDigest digest_file(const std::string& path);
std::string digest_text(std::string_view text);

}  // namespace beamline::manifest
