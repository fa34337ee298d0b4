#include "common/campaign/trial_plan.h"

#include <algorithm>

#include "common/stats/interval.h"

namespace beamline::campaign {

std::vector<TrialRange> plan_cell_trials(const BudgetSpec& budget, CellKind kind, int64_t inputs) {
  const uint64_t per_cell =
      budget.mode == BudgetMode::target_half_width ? budget.max_trials_per_cell : budget.trials;
  if (kind == CellKind::weight) return {TrialRange{kEveryInput, 0, per_cell}};

  std::vector<TrialRange> ranges;
  const auto n_inputs = static_cast<uint64_t>(inputs);
  uint64_t next = 0;
  for (uint64_t i = 0; i < n_inputs; ++i) {
    uint64_t count = budget.trials;
    if (budget.mode != BudgetMode::trials_per_input) {
      count = per_cell / n_inputs + (i < per_cell % n_inputs ? 1 : 0);
    }
    if (count == 0) continue;
    ranges.push_back({static_cast<int64_t>(i), next, next + count});
    next += count;
  }
  return ranges;
}

uint64_t total_trials(const std::vector<TrialRange>& ranges) {
  uint64_t total = 0;
  for (const auto& range : ranges) total += range.size();
  return total;
}

uint64_t unit_trials_for(const BudgetSpec& budget, CellKind kind) {
  if (budget.unit_trials > 0) return budget.unit_trials;
  return kind == CellKind::transient ? kDefaultTransientUnitTrials : kDefaultWeightUnitTrials;
}

std::vector<TrialRange> split_into_units(const std::vector<TrialRange>& ranges, uint64_t unit_trials) {
  std::vector<TrialRange> units;
  const uint64_t step = std::max<uint64_t>(unit_trials, 1);
  for (uint64_t offset = 0;; offset += step) {
    bool any = false;
    for (const auto& range : ranges) {
      if (offset >= range.size()) continue;
      any = true;
      const uint64_t begin = range.begin + offset;
      units.push_back({range.input_index, begin, std::min(range.end, begin + step)});
    }
    if (!any) break;
  }
  return units;
}

bool cell_budget_met(const BudgetSpec& budget, uint64_t planned, uint64_t done, uint64_t sdc) {
  if (done >= planned) return true;
  if (budget.mode != BudgetMode::target_half_width || done == 0) return false;
  const auto interval = stats::wilson_interval(sdc, done, 0.95);
  return (interval.high - interval.low) / 2.0 <= budget.half_width;
}

}  // namespace beamline::campaign
