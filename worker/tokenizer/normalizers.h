#pragma once
// Normalizers rewrite a piece of input before pre-tokenisation (and the
// normalized added tokens are matched against the rewritten text).
#include <memory>
#include <string>

#include "worker/tokenizer/json_node.h"

namespace beamline::tokenizer {

class Normalizer {
 public:
  virtual ~Normalizer() = default;
  virtual void normalize(std::string& text) const = 0;
};

// Builds the normalizer a tokenizer.json "normalizer" object describes:
// Sequence, Prepend, Append, Replace, NFC, NFD, NFKC, NFKD, Lowercase, Strip,
// StripAccents, BertNormalizer, ByteLevel. Fails naming the field for anything else.
std::unique_ptr<Normalizer> make_normalizer(const JsonNode& node);

}  // namespace beamline::tokenizer
