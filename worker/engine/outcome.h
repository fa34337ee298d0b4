#pragma once
// The outcome of a trial (DESIGN.md "outcome"), by its stored name.
#include <string>
#include <string_view>

namespace beamline::engine {

enum class Outcome {
  masked_identical,  // the same tokens as the fault-free run
  masked_correct,    // different text, still judged correct
  sdc,               // different and wrong: silent data corruption
  due,               // non-finite logits, an exception or past a budget
};

std::string to_string(Outcome outcome);
Outcome parse_outcome(std::string_view name);  // throws beamline::Error

}  // namespace beamline::engine
