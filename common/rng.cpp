#include "common/rng.h"

#include <cassert>

namespace beamline {
namespace {

constexpr std::uint64_t kFnvOffsetBasis = 0xcbf29ce484222325ULL;
constexpr std::uint64_t kFnvPrime = 0x100000001b3ULL;
// 2^64 / golden ratio, SplitMix64's Weyl increment.
constexpr std::uint64_t kGoldenGamma = 0x9e3779b97f4a7c15ULL;
constexpr int kDoubleMantissaBits = 53;

// High 64 bits of the 128-bit product, in portable C++ (no __int128, which
// -Wpedantic rejects).
std::uint64_t multiply_high(std::uint64_t a, std::uint64_t b) {
  const std::uint64_t low_mask = 0xffffffffULL;
  const std::uint64_t a_low = a & low_mask, a_high = a >> 32;
  const std::uint64_t b_low = b & low_mask, b_high = b >> 32;
  const std::uint64_t low_low = a_low * b_low;
  const std::uint64_t high_low = a_high * b_low;
  const std::uint64_t low_high = a_low * b_high;
  const std::uint64_t high_high = a_high * b_high;
  const std::uint64_t middle = (low_low >> 32) + (high_low & low_mask) + (low_high & low_mask);
  return high_high + (high_low >> 32) + (low_high >> 32) + (middle >> 32);
}

}  // namespace

std::uint64_t fnv1a64(std::string_view text) {
  std::uint64_t hash = kFnvOffsetBasis;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= kFnvPrime;
  }
  return hash;
}

std::uint64_t splitmix64_mix(std::uint64_t word) {
  word = (word ^ (word >> 30)) * 0xbf58476d1ce4e5b9ULL;
  word = (word ^ (word >> 27)) * 0x94d049bb133111ebULL;
  return word ^ (word >> 31);
}

CounterRng::CounterRng(std::uint64_t campaign_seed, std::string_view cell_key,
                       std::uint64_t trial_index) {
  // Each step is mix(previous XOR input): a bijection in the input for a fixed
  // prefix, so no two trial indices (or seeds) of one cell share a state.
  std::uint64_t state = splitmix64_mix(campaign_seed + kGoldenGamma);
  state = splitmix64_mix(state ^ fnv1a64(cell_key));
  state = splitmix64_mix(state ^ trial_index);
  state_ = state;
}

std::uint64_t CounterRng::next_u64() {
  state_ += kGoldenGamma;
  return splitmix64_mix(state_);
}

std::uint64_t CounterRng::uniform_below(std::uint64_t bound) {
  assert(bound > 0 && "uniform_below needs a non-empty range");
  std::uint64_t draw = next_u64();
  std::uint64_t low = draw * bound;  // low 64 bits of draw * bound
  if (low < bound) {
    // Reject the few draws that would make some results more likely:
    // threshold = 2^64 mod bound.
    const std::uint64_t threshold = (0 - bound) % bound;
    while (low < threshold) {
      draw = next_u64();
      low = draw * bound;
    }
  }
  return multiply_high(draw, bound);
}

double CounterRng::next_double() {
  constexpr double kUnit = 1.0 / static_cast<double>(1ULL << kDoubleMantissaBits);
  return static_cast<double>(next_u64() >> (64 - kDoubleMantissaBits)) * kUnit;
}

}  // namespace beamline
