#pragma once
// Small helpers over CounterRng for the generators.
#include <string>
#include <string_view>
#include <vector>

#include "common/rng.h"
#include "worker/tasks/task_example.h"

namespace beamline::tasks {

CounterRng example_rng(uint64_t seed, std::string_view task, Split split, uint64_t index);

template <typename T>
const T& pick(CounterRng& rng, const std::vector<T>& items) {
  return items[rng.uniform_below(items.size())];
}

// Uniform over [low, high].
int uniform_int(CounterRng& rng, int low, int high);

// k distinct indices of [0, n), in random order (partial Fisher-Yates).
std::vector<size_t> distinct_indices(CounterRng& rng, size_t n, size_t k);

}  // namespace beamline::tasks
