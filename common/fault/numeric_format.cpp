#include "common/fault/numeric_format.h"

#include "common/error.h"

namespace beamline::fault {

std::string to_string(NumericFormat format) {
  switch (format) {
    case NumericFormat::fp32: return "fp32";
    case NumericFormat::bf16: return "bf16";
    case NumericFormat::fp16: return "fp16";
  }
  return "unknown";
}

NumericFormat parse_numeric_format(std::string_view name) {
  if (name == "fp32" || name == "float32") return NumericFormat::fp32;
  if (name == "bf16" || name == "bfloat16") return NumericFormat::bf16;
  if (name == "fp16" || name == "float16") return NumericFormat::fp16;
  throw Error("unknown numeric format '" + std::string(name) +
              "' (expected fp32, bf16 or fp16)");
}

}  // namespace beamline::fault
