#include "worker/weightfaults/storage_encoding.h"

#include <c10/core/ScalarType.h>

#include <string>

#include "common/error.h"
#include "common/fault/float_bits.h"

namespace beamline::weightfaults {

StorageEncoding storage_encoding_of(const at::Tensor& tensor, bool emulate_float16) {
  switch (tensor.scalar_type()) {
    case at::kFloat: return emulate_float16 ? StorageEncoding::fp16_in_fp32 : StorageEncoding::fp32;
    case at::kBFloat16: return StorageEncoding::bf16;
    case at::kHalf: return StorageEncoding::fp16;
    default:
      throw Error(std::string("weight faults: tensors of dtype ") + c10::toString(tensor.scalar_type()) +
                  " are not supported (float32, bfloat16, float16)");
  }
}

fault::NumericFormat fault_format(StorageEncoding encoding) {
  switch (encoding) {
    case StorageEncoding::fp32: return fault::NumericFormat::fp32;
    case StorageEncoding::bf16: return fault::NumericFormat::bf16;
    case StorageEncoding::fp16:
    case StorageEncoding::fp16_in_fp32: return fault::NumericFormat::fp16;
  }
  return fault::NumericFormat::fp32;  // unreachable: every enumerator is handled above
}

int bits_per_element(StorageEncoding encoding) { return fault::layout_of(fault_format(encoding)).total_bits(); }

at::ScalarType raw_word_dtype(StorageEncoding encoding) {
  return encoding == StorageEncoding::bf16 || encoding == StorageEncoding::fp16 ? at::kShort : at::kInt;
}

uint32_t format_bits_of_word(StorageEncoding encoding, uint32_t word) {
  if (encoding != StorageEncoding::fp16_in_fp32) return word;
  // Exact for the float16-representable values such a run holds.
  return fault::float_to_fp16_bits(fault::bits_to_float(word));
}

uint32_t word_of_format_bits(StorageEncoding encoding, uint32_t bits) {
  if (encoding != StorageEncoding::fp16_in_fp32) return bits;
  return fault::float_to_bits(fault::fp16_bits_to_float(static_cast<uint16_t>(bits)));
}

}  // namespace beamline::weightfaults
