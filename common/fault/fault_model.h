#pragma once
// The fault models of DESIGN.md, by their stored names. Transient (activation)
// faults use single_bit, double_bit and exponent_bit; persistent weight faults
// use bit_error_rate and value_uniform01; none is the null fault that must
// yield exactly 0 SDC.
#include <string>
#include <string_view>

namespace beamline::fault {

enum class FaultModel {
  single_bit,       // one bit of the encoding, uniformly
  double_bit,       // two distinct bits, uniformly over pairs
  exponent_bit,     // one bit of the exponent field, uniformly
  bit_error_rate,   // every bit flips independently with probability p
  value_uniform01,  // the value is replaced by a uniform (0, 1) draw
  none,             // flips nothing
};

std::string to_string(FaultModel model);
// Throws beamline::Error naming the unknown model and the accepted names.
FaultModel parse_fault_model(std::string_view name);

}  // namespace beamline::fault
