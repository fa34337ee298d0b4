#pragma once
// The element types a safetensors header may name. Only F32, F16 and BF16
// hold model weights here; the others are recognised so an error can say
// "tensor X has dtype I64, expected F32, F16 or BF16" instead of "unknown".
#include <cstddef>
#include <optional>
#include <string>

namespace beamline::modelio {

enum class SafetensorsDtype {
  F64, F32, F16, BF16,
  F8_E4M3, F8_E5M2,
  I64, I32, I16, I8,
  U64, U32, U16, U8,
  BOOL,
};

// The spelling used in safetensors headers ("F32", "BF16", ...).
std::string to_string(SafetensorsDtype dtype);
// nullopt for a string the format does not define.
std::optional<SafetensorsDtype> parse_safetensors_dtype(const std::string& text);
size_t element_size(SafetensorsDtype dtype);
// F32, F16 or BF16: the dtypes weights may be stored in.
bool is_weight_dtype(SafetensorsDtype dtype);
// "F32, F16 or BF16", for error messages.
std::string weight_dtypes_text();

}  // namespace beamline::modelio
