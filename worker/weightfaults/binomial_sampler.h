#pragma once
// The two draws behind count-then-positions sampling of independent faults:
// flipping each of n bits with probability p is the same distribution as
// drawing K ~ Binomial(n, p) and then K distinct positions uniformly. That
// costs O(K), not O(n): p = 1e-9 on a 7B model is a handful of draws.
//
// Both are pure functions of the generator's stream (CounterRng), so a
// trial's faults are fixed by (seed, cell key, trial index).
#include <cstdint>
#include <vector>

#include "common/rng.h"

namespace beamline::weightfaults {

// K ~ Binomial(n, p), exactly (no normal approximation). Boost.Random's
// binomial_distribution: inversion when (n + 1) * min(p, 1 - p) < 11, else
// Hoermann's BTRD ("The generation of binomial random variates", J. Statist.
// Comput. Simul. 46, 1993), a transformed-rejection method that is exact for
// any n. p = 0 gives 0 and p = 1 gives n without drawing. Throws
// beamline::Error for p outside [0, 1] or NaN.
//
// What must stay true: the variate depends on Boost's algorithm, so stored
// trials replay exactly only under the same Boost release (1.74 in Debian
// 12); the fault count is stored with each result.
uint64_t draw_binomial(CounterRng& rng, uint64_t n, double p);

// k distinct values of [0, n), uniformly over all k-subsets, ascending.
// Floyd's algorithm (Bentley & Floyd, "A sample of brilliance", CACM 1987):
// k draws and a hash set of k entries; for k > n / 2 it draws the n - k
// values left out instead. Requires k <= n.
std::vector<uint64_t> sample_distinct(CounterRng& rng, uint64_t n, uint64_t k);

}  // namespace beamline::weightfaults
