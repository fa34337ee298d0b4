#include "worker/tasks/task_random.h"

#include <numeric>
#include <utility>

namespace beamline::tasks {

CounterRng example_rng(uint64_t seed, std::string_view task, Split split, uint64_t index) {
  std::string key = "tasks/";
  key += task;
  key += split == Split::train ? "/train" : "/eval";
  return CounterRng(seed, key, index);
}

int uniform_int(CounterRng& rng, int low, int high) {
  return low + static_cast<int>(rng.uniform_below(static_cast<uint64_t>(high - low + 1)));
}

std::vector<size_t> distinct_indices(CounterRng& rng, size_t n, size_t k) {
  std::vector<size_t> all(n);
  std::iota(all.begin(), all.end(), size_t{0});
  for (size_t i = 0; i < k; ++i) {
    const size_t j = i + rng.uniform_below(n - i);
    std::swap(all[i], all[j]);
  }
  all.resize(k);
  return all;
}

}  // namespace beamline::tasks
