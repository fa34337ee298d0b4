#include "worker/modelio/safetensors_dtype.h"

#include <array>
#include <utility>

namespace beamline::modelio {
namespace {

struct DtypeInfo {
  SafetensorsDtype dtype;
  const char* name;
  size_t size;
};

constexpr std::array<DtypeInfo, 15> kDtypes{{
    {SafetensorsDtype::F64, "F64", 8},
    {SafetensorsDtype::F32, "F32", 4},
    {SafetensorsDtype::F16, "F16", 2},
    {SafetensorsDtype::BF16, "BF16", 2},
    {SafetensorsDtype::F8_E4M3, "F8_E4M3", 1},
    {SafetensorsDtype::F8_E5M2, "F8_E5M2", 1},
    {SafetensorsDtype::I64, "I64", 8},
    {SafetensorsDtype::I32, "I32", 4},
    {SafetensorsDtype::I16, "I16", 2},
    {SafetensorsDtype::I8, "I8", 1},
    {SafetensorsDtype::U64, "U64", 8},
    {SafetensorsDtype::U32, "U32", 4},
    {SafetensorsDtype::U16, "U16", 2},
    {SafetensorsDtype::U8, "U8", 1},
    {SafetensorsDtype::BOOL, "BOOL", 1},
}};

const DtypeInfo& info(SafetensorsDtype dtype) {
  for (const auto& entry : kDtypes) {
    if (entry.dtype == dtype) return entry;
  }
  return kDtypes.front();  // unreachable: kDtypes lists every enumerator
}

}  // namespace

std::string to_string(SafetensorsDtype dtype) { return info(dtype).name; }

std::optional<SafetensorsDtype> parse_safetensors_dtype(const std::string& text) {
  for (const auto& entry : kDtypes) {
    if (text == entry.name) return entry.dtype;
  }
  return std::nullopt;
}

size_t element_size(SafetensorsDtype dtype) { return info(dtype).size; }

bool is_weight_dtype(SafetensorsDtype dtype) {
  return dtype == SafetensorsDtype::F32 || dtype == SafetensorsDtype::F16 ||
         dtype == SafetensorsDtype::BF16;
}

std::string weight_dtypes_text() { return "F32, F16 or BF16"; }

}  // namespace beamline::modelio
