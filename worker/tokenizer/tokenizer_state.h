#pragma once
// The immutable insides of a Tokenizer; shared by its copies.
#include <memory>
#include <string>

#include "worker/tokenizer/added_vocabulary.h"
#include "worker/tokenizer/decoders.h"
#include "worker/tokenizer/model.h"
#include "worker/tokenizer/normalizers.h"
#include "worker/tokenizer/post_processors.h"
#include "worker/tokenizer/pre_tokenizers.h"
#include "worker/tokenizer/tokenizer.h"

namespace beamline::tokenizer {

struct Tokenizer::State {
  std::string source;                              // file name, for errors
  std::unique_ptr<Normalizer> normalizer;          // may be null
  std::unique_ptr<PreTokenizer> pre_tokenizer;     // may be null
  std::unique_ptr<Model> model;                    // never null
  std::unique_ptr<PostProcessor> post_processor;   // may be null
  std::unique_ptr<Decoder> decoder;                // may be null
  AddedVocabulary added_tokens;
};

}  // namespace beamline::tokenizer
