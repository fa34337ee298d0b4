#pragma once
// Pre-tokenizers cut normalized pieces into the words the model sees (and the
// byte-level one also rewrites each word into its byte alphabet).
#include <memory>
#include <vector>

#include "worker/tokenizer/json_node.h"
#include "worker/tokenizer/piece.h"

namespace beamline::tokenizer {

class PreTokenizer {
 public:
  virtual ~PreTokenizer() = default;
  // Replaces `pieces` by their non-empty sub-pieces, in order.
  virtual void pre_tokenize(std::vector<Piece>& pieces) const = 0;
};

// Builds the pre-tokenizer a tokenizer.json "pre_tokenizer" object describes:
// ByteLevel, Metaspace, Split, Sequence, Whitespace, WhitespaceSplit, Digits,
// Punctuation, BertPreTokenizer. Null gives nullptr (the piece is one word).
std::unique_ptr<PreTokenizer> make_pre_tokenizer(const JsonNode& node);

}  // namespace beamline::tokenizer
