#include "worker/weightfaults/binomial_sampler.h"

#include <fmt/core.h>

#include <algorithm>
#include <boost/random/binomial_distribution.hpp>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <unordered_set>

#include "common/error.h"

namespace beamline::weightfaults {
namespace {

// CounterRng as a UniformRandomBitGenerator for Boost.Random.
class CounterBits {
 public:
  using result_type = uint64_t;
  explicit CounterBits(CounterRng& rng) : rng_(rng) {}
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }
  result_type operator()() { return rng_.next_u64(); }

 private:
  CounterRng& rng_;
};

// Floyd's loop: after processing j, `chosen` is a uniform (k - n + j + 1)-subset
// of [0, j].
std::unordered_set<uint64_t> floyd(CounterRng& rng, uint64_t n, uint64_t k) {
  std::unordered_set<uint64_t> chosen;
  chosen.reserve(static_cast<size_t>(k));
  for (uint64_t j = n - k; j < n; ++j) {
    const uint64_t t = rng.uniform_below(j + 1);
    if (!chosen.insert(t).second) chosen.insert(j);
  }
  return chosen;
}

}  // namespace

uint64_t draw_binomial(CounterRng& rng, uint64_t n, double p) {
  if (!(p >= 0.0 && p <= 1.0)) throw Error(fmt::format("fault rate {}: expected a probability in [0, 1]", p));
  if (n == 0 || p == 0.0) return 0;
  if (p == 1.0) return n;
  if (n > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    throw Error(fmt::format("binomial draw over {} trials: more than 2^63 - 1", n));
  }
  CounterBits bits(rng);
  boost::random::binomial_distribution<int64_t, double> binomial(static_cast<int64_t>(n), p);
  return static_cast<uint64_t>(binomial(bits));
}

std::vector<uint64_t> sample_distinct(CounterRng& rng, uint64_t n, uint64_t k) {
  if (k > n) throw std::invalid_argument("sample_distinct: k > n");
  std::vector<uint64_t> sample;
  if (k <= n - k) {
    const auto chosen = floyd(rng, n, k);
    sample.assign(chosen.begin(), chosen.end());
    std::sort(sample.begin(), sample.end());
    return sample;
  }
  std::vector<uint64_t> left_out;
  {
    const auto skipped = floyd(rng, n, n - k);
    left_out.assign(skipped.begin(), skipped.end());
  }
  std::sort(left_out.begin(), left_out.end());
  sample.reserve(static_cast<size_t>(k));
  size_t next_skip = 0;
  for (uint64_t v = 0; v < n; ++v) {
    if (next_skip < left_out.size() && left_out[next_skip] == v) {
      ++next_skip;
    } else {
      sample.push_back(v);
    }
  }
  return sample;
}

}  // namespace beamline::weightfaults
