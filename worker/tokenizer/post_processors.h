#pragma once
// Post-processors add the special tokens around an encoded sequence (Llama's
// BOS, BERT's [CLS]/[SEP]) when encode is asked to add special tokens.
#include <cstdint>
#include <memory>
#include <vector>

#include "worker/tokenizer/json_node.h"

namespace beamline::tokenizer {

class PostProcessor {
 public:
  virtual ~PostProcessor() = default;
  // Called only when special tokens are wanted; single sequences only.
  virtual void add_special_tokens(std::vector<std::int32_t>& ids) const = 0;
};

// TemplateProcessing, RobertaProcessing, BertProcessing, ByteLevel (adds
// nothing) and Sequence. Null gives nullptr (nothing is added).
std::unique_ptr<PostProcessor> make_post_processor(const JsonNode& node);

}  // namespace beamline::tokenizer
