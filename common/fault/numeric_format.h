#pragma once
// The floating-point encodings a run can use, described as data: a fault
// model picks bit positions from these field widths, never from a hard-coded
// "bit 30". Bit 0 is the least significant mantissa bit; the exponent field
// sits above the mantissa and the sign is the top bit (IEEE 754 layout, which
// bfloat16 shares).
#include <cstdint>
#include <string>
#include <string_view>

namespace beamline::fault {

enum class NumericFormat { fp32, bf16, fp16 };

struct FormatLayout {
  int sign_bits;
  int exponent_bits;
  int mantissa_bits;

  constexpr int total_bits() const { return sign_bits + exponent_bits + mantissa_bits; }
  constexpr int first_exponent_bit() const { return mantissa_bits; }
  constexpr int sign_bit() const { return exponent_bits + mantissa_bits; }
  // All bits of the encoding, of the exponent field, of the mantissa field.
  constexpr std::uint32_t all_bits_mask() const { return low_bits(total_bits()); }
  constexpr std::uint32_t exponent_field_mask() const {
    return low_bits(exponent_bits) << mantissa_bits;
  }
  constexpr std::uint32_t mantissa_field_mask() const { return low_bits(mantissa_bits); }

 private:
  static constexpr std::uint32_t low_bits(int count) {
    return count >= 32 ? 0xffffffffU : (std::uint32_t{1} << count) - 1U;
  }
};

inline constexpr FormatLayout kFp32Layout{1, 8, 23};
inline constexpr FormatLayout kBf16Layout{1, 8, 7};
inline constexpr FormatLayout kFp16Layout{1, 5, 10};

constexpr FormatLayout layout_of(NumericFormat format) {
  switch (format) {
    case NumericFormat::fp32: return kFp32Layout;
    case NumericFormat::bf16: return kBf16Layout;
    case NumericFormat::fp16: return kFp16Layout;
  }
  return kFp32Layout;  // unreachable: every enumerator is handled above
}

// "fp32", "bf16", "fp16"; parse also takes PyTorch's names (float32,
// bfloat16, float16). Unknown names throw beamline::Error listing the choices.
std::string to_string(NumericFormat format);
NumericFormat parse_numeric_format(std::string_view name);

}  // namespace beamline::fault
