#pragma once
// Trial outcomes by their stored names (DESIGN.md "outcome"): the names the
// database's CHECK constraint, the wire protocol and reports share.
#include <optional>
#include <string>
#include <string_view>

namespace beamline::campaign {

enum class Outcome {
  masked_identical,  // the same tokens as the fault-free run
  masked_correct,    // different text, still judged correct
  sdc,               // different and wrong
  due,               // non-finite logits, a crash or a timeout
};

std::string to_string(Outcome outcome);
std::optional<Outcome> try_parse_outcome(std::string_view name);

}  // namespace beamline::campaign
