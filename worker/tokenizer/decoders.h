#pragma once
// Decoders turn token strings back into text. Like Hugging Face's, each one
// maps a list of token strings to a new list (decode_chain), so a Sequence
// can mix per-token steps (Replace, Strip) with joining steps (Fuse).
#include <memory>
#include <string>
#include <vector>

#include "worker/tokenizer/json_node.h"

namespace beamline::tokenizer {

class Decoder {
 public:
  virtual ~Decoder() = default;
  virtual std::vector<std::string> decode_chain(std::vector<std::string> tokens) const = 0;
};

// ByteLevel, Sequence, Replace, ByteFallback, Fuse, Strip, Metaspace,
// WordPiece, BPEDecoder. Null gives nullptr (tokens are joined with spaces).
std::unique_ptr<Decoder> make_decoder(const JsonNode& node);

}  // namespace beamline::tokenizer
