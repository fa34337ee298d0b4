#pragma once
// How a weight tensor stores its values, and the bit numbering faults use
// on it. Faults flip the stored encoding, never a float round trip: fp32 is
// read as int32 words, bf16 and fp16 as int16 words, so NaN payloads survive
// and undo is a plain copy of the saved words.
//
// float16-emulated runs (DESIGN.md "Half precision") keep float32 tensors
// holding float16-representable values; a fault there flips the value's
// float16 encoding (what a native float16 run's memory would hold) and
// stores the result back as float32.
#include <ATen/core/Tensor.h>

#include <cstdint>

#include "common/fault/numeric_format.h"

namespace beamline::weightfaults {

enum class StorageEncoding { fp32, bf16, fp16, fp16_in_fp32 };

// The encoding of `tensor` in a run that does (or does not) emulate float16.
// Throws beamline::Error for a dtype that is none of these.
StorageEncoding storage_encoding_of(const at::Tensor& tensor, bool emulate_float16);

// The format whose bits a fault numbers (fp16 for fp16_in_fp32).
fault::NumericFormat fault_format(StorageEncoding encoding);
int bits_per_element(StorageEncoding encoding);
// The integer dtype of the same width as the storage (kInt or kShort).
at::ScalarType raw_word_dtype(StorageEncoding encoding);

// A stored word (the int32/int16 read through raw_word_dtype, zero-extended)
// as bits of fault_format, and back. Identity except for fp16_in_fp32.
uint32_t format_bits_of_word(StorageEncoding encoding, uint32_t word);
uint32_t word_of_format_bits(StorageEncoding encoding, uint32_t bits);

}  // namespace beamline::weightfaults
