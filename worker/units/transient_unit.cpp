#include "worker/units/transient_unit.h"

#include <fmt/core.h>

#include <algorithm>

#include "common/error.h"
#include "common/protocol/wire_outcome.h"
#include "worker/engine/trial_engine.h"
#include "worker/units/trial_setup.h"

namespace beamline::units {

engine::TransientCell transient_cell_of(const wire::WorkUnit& unit) {
  engine::TransientCell cell;
  cell.model = unit.model().name();
  cell.dataset = unit.dataset().name();
  cell.fault = fault::parse_fault_model(unit.fault().model());
  cell.sampling = sites::parse_site_sampling(unit.fault().sampling().empty() ? "compute" : unit.fault().sampling());
  cell.targets = engine::parse_targets(unit.fault().targets());
  if (cell.key() != unit.site_key()) {
    throw Error(fmt::format("site key '{}' does not match the unit's fields, which give '{}'", unit.site_key(),
                            cell.key()));
  }
  return cell;
}

void run_transient_trials(const wire::WorkUnit& unit, const TransientInput& in, const EmitTrials& emit,
                          const std::atomic<bool>& stop) {
  const engine::TransientCell cell = transient_cell_of(unit);
  engine::EngineOptions options;
  options.generation.max_new_tokens = generation_length(*in.input);
  engine::TrialEngine trial_engine(*in.model, in.protection, options);

  for (uint64_t begin = unit.trial_begin(); begin < unit.trial_end(); begin += kTransientChunkTrials) {
    if (stop.load()) return;
    const uint64_t count = std::min(kTransientChunkTrials, unit.trial_end() - begin);
    const auto requests = draw_trial_requests(cell, unit.seed(), begin, count, *in.unprotected, *in.model);
    std::vector<wire::TrialResult> batch;
    batch.reserve(count);
    for (const engine::TrialResult& r : trial_engine.run(*in.input, *in.golden, requests)) {
      wire::TrialResult t;
      t.set_cell_id(unit.cell_id());
      t.set_trial_index(r.trial_index);
      t.set_outcome(protocol::to_wire(r.outcome));
      t.set_site(sites::format_site(r.site));
      t.set_corrections(static_cast<uint64_t>(std::max<int64_t>(r.corrections, 0)));
      t.set_first_divergence_step(r.first_divergence_step ? static_cast<int32_t>(*r.first_divergence_step) : -1);
      t.set_duration_seconds(r.seconds);
      t.set_input_index(unit.input_index());
      batch.push_back(std::move(t));
    }
    emit(std::move(batch));
  }
}

}  // namespace beamline::units
