#include "common/protocol/work_unit.h"

#include "common/fault/fault_model.h"

namespace beamline::protocol {

wire::WorkUnit make_work_unit(const campaign::CampaignSpec& spec, const campaign::Cell& cell, uint64_t unit_id,
                              uint64_t cell_id, const campaign::TrialRange& trials, uint32_t lease_ms) {
  wire::WorkUnit unit;
  unit.set_unit_id(unit_id);
  unit.set_cell_id(cell_id);
  unit.set_cell_key(cell.key);
  unit.set_site_key(cell.site_key);
  unit.set_seed(spec.seed);

  const auto& model = spec.models[cell.model];
  auto* m = unit.mutable_model();
  m->set_name(model.name);
  m->set_kind(campaign::to_string(model.kind));
  m->set_path(model.path);
  m->set_dtype(model.dtype);
  m->set_device(model.device);
  m->set_synthetic_sdc_rate(model.synthetic.sdc);
  m->set_synthetic_due_rate(model.synthetic.due);
  m->set_synthetic_masked_correct_rate(model.synthetic.masked_correct);
  m->set_synthetic_trial_ms(model.synthetic.trial_ms);

  const auto& dataset = spec.datasets[cell.dataset];
  auto* d = unit.mutable_dataset();
  d->set_name(dataset.name);
  d->set_path(dataset.path);
  d->set_task(dataset.task);
  d->set_inputs(dataset.inputs);
  d->set_selection(campaign::to_string(dataset.selection));
  d->set_max_new_tokens(dataset.max_new_tokens);

  const auto& fault = spec.faults[cell.fault];
  auto* f = unit.mutable_fault();
  f->set_model(fault::to_string(fault.model));
  if (cell.kind == campaign::CellKind::transient) {
    f->set_sampling(sites::to_string(spec.sites.sampling));
    f->set_targets(campaign::format_target_set(cell.targets));
  } else {
    f->set_rate(cell.rate.value_or(0.0));
    f->set_selection(cell.selection ? cell.selection->text() : "");
    f->set_choice_scoring(campaign::to_string(fault.choice_scoring));
  }

  const auto& protection = spec.protections[cell.protection];
  auto* p = unit.mutable_protection();
  p->set_kind(protection.kind);
  p->set_policy(protection.policy);
  p->set_scale(protection.scale);
  if (campaign::needs_offline_bounds(protection.kind)) p->set_bounds(protection.bounds_for(model.name));

  unit.set_input_index(trials.input_index);
  unit.set_trial_begin(trials.begin);
  unit.set_trial_end(trials.end);
  unit.set_lease_ms(lease_ms);
  return unit;
}

}  // namespace beamline::protocol
