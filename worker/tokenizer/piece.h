#pragma once
// A span of text on its way through normalisation and pre-tokenisation.
#include <string>

namespace beamline::tokenizer {

struct Piece {
  std::string text;
  // True while the piece begins where the original input began. Metaspace's
  // prepend_scheme "first" adds its "▁" only to such a piece, so text after a
  // special token does not get one.
  bool at_input_start = false;
};

}  // namespace beamline::tokenizer
