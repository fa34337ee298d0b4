#pragma once
// CounterRng: the random stream of one trial, a pure function of
// (campaign seed, cell key, trial index). Any worker, at any time, in any
// order, draws the same site for the same trial; nothing here touches a
// process-global generator.
//
// What must stay true (DESIGN.md "Determinism"):
// - The cell key names the cell WITHOUT its protection. Every protection of a
//   cell must see the same sites so protections can be compared trial by trial
//   (a paired design, analysed with the exact McNemar test). Putting the
//   protection into the key silently breaks that pairing.
// - The outputs are fixed by this file alone (FNV-1a 64 for the key, the
//   SplitMix64 finaliser for mixing): same on every platform, compiler and
//   run. Changing any constant changes every stored site; don't.
#include <cstdint>
#include <string_view>

namespace beamline {

// FNV-1a 64 over the bytes of text: the stable string hash behind cell keys.
std::uint64_t fnv1a64(std::string_view text);

// The SplitMix64 output function (Steele, Lea, Flood 2014): a bijection on
// 64-bit words with good avalanche.
std::uint64_t splitmix64_mix(std::uint64_t word);

class CounterRng {
 public:
  // Distinct (seed, cell_key, trial_index) give distinct starting states:
  // each input is folded in through a bijective mix, so for one seed and key
  // every trial index has its own state.
  CounterRng(std::uint64_t campaign_seed, std::string_view cell_key, std::uint64_t trial_index);

  // The next 64 uniformly distributed bits (SplitMix64: a Weyl counter
  // stepped by the golden-ratio increment, then mixed).
  std::uint64_t next_u64();

  // Uniform over [0, bound), without modulo bias (Lemire 2019, "Fast random
  // integer generation in an interval"). bound must be at least 1.
  std::uint64_t uniform_below(std::uint64_t bound);

  // Uniform over [0, 1) on the 2^-53 grid: every value is an exact double.
  double next_double();

 private:
  std::uint64_t state_;
};

}  // namespace beamline
