#include "common/fault/fault_model.h"

#include <array>
#include <utility>

#include "common/error.h"

namespace beamline::fault {
namespace {

// The one table of names: to_string and parse cannot disagree.
constexpr std::array<std::pair<FaultModel, std::string_view>, 6> kFaultModelNames{{
    {FaultModel::single_bit, "single_bit"},
    {FaultModel::double_bit, "double_bit"},
    {FaultModel::exponent_bit, "exponent_bit"},
    {FaultModel::bit_error_rate, "bit_error_rate"},
    {FaultModel::value_uniform01, "value_uniform01"},
    {FaultModel::none, "none"},
}};

}  // namespace

std::string to_string(FaultModel model) {
  for (const auto& [value, name] : kFaultModelNames) {
    if (value == model) return std::string(name);
  }
  return "unknown";
}

FaultModel parse_fault_model(std::string_view name) {
  std::string choices;
  for (const auto& [value, known_name] : kFaultModelNames) {
    if (known_name == name) return value;
    choices += choices.empty() ? "" : ", ";
    choices += known_name;
  }
  throw Error("unknown fault model '" + std::string(name) + "' (expected one of " + choices + ")");
}

}  // namespace beamline::fault
