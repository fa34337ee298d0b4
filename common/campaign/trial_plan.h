#pragma once
// How a budget becomes trial indices and work units.
//
// A trial index is fixed by (cell, input, position within the input) alone,
// so any worker can run any unit and a resumed campaign numbers trials the
// same way: input i of N owns a contiguous range of indices. With a budget
// per cell (or a cap) of n trials, input i gets n/N trials plus one when
// i < n%N; with trials_per_input k, input i owns [i*k, (i+1)*k). Weight-fault
// trials evaluate every input at once, so a weight cell has one range
// (input kEveryInput) of trials_per_input, trials_per_cell or the cap.
#include <cstdint>
#include <vector>

#include "common/campaign/campaign_spec.h"
#include "common/campaign/cells.h"

namespace beamline::campaign {

inline constexpr int64_t kEveryInput = -1;

struct TrialRange {
  int64_t input_index = 0;  // the n-th selected input of the dataset, or kEveryInput
  uint64_t begin = 0;       // first trial index
  uint64_t end = 0;         // one past the last

  uint64_t size() const { return end - begin; }
  bool operator==(const TrialRange& other) const {
    return input_index == other.input_index && begin == other.begin && end == other.end;
  }
};

// Every trial the cell may run (for target_half_width: up to the cap).
std::vector<TrialRange> plan_cell_trials(const BudgetSpec& budget, CellKind kind, int64_t inputs);
uint64_t total_trials(const std::vector<TrialRange>& ranges);

// Default trials per unit of a transient cell, and the worker's engine chunk
// (worker/units/transient_unit.h): the engine batches a unit's trials, and
// small units starve it. A weight cell's trial evaluates every input, so 16
// of them are already a long unit.
inline constexpr uint64_t kDefaultTransientUnitTrials = 256;
inline constexpr uint64_t kDefaultWeightUnitTrials = 16;

// Trials per work unit of a cell of `kind`: the budget's unit_trials, or
// when that is unset the default for the kind.
uint64_t unit_trials_for(const BudgetSpec& budget, CellKind kind);

// Work units of at most `unit_trials` trials, ordered round by round: the
// first unit of every input, then the second of every input, ... so a cell
// stopped early by its half-width target has sampled its inputs evenly.
std::vector<TrialRange> split_into_units(const std::vector<TrialRange>& ranges, uint64_t unit_trials);

// Whether a cell needs no more trials: fixed budgets once `done` reaches
// `planned`; target_half_width once the 95% Wilson half-width of sdc/done
// is at most the target, or at the cap (`planned`).
bool cell_budget_met(const BudgetSpec& budget, uint64_t planned, uint64_t done, uint64_t sdc);

}  // namespace beamline::campaign
