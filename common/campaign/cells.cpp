#include "common/campaign/cells.h"

#include <fmt/core.h>

#include <set>

#include "common/campaign/cell_key.h"
#include "common/campaign/trial_plan.h"
#include "common/error.h"

namespace beamline::campaign {
namespace {

std::string model_definition(const ModelSpec& m) {
  if (m.kind == ModelKind::synthetic) {
    return fmt::format("model={},kind=synthetic,sdc={},due={},masked_correct={}", m.name, m.synthetic.sdc,
                       m.synthetic.due, m.synthetic.masked_correct);
  }
  // The device is a placement hint; it does not change what a trial computes.
  return fmt::format("model={},kind=hf,path={},dtype={}", m.name, m.path, m.dtype);
}

std::string dataset_definition(const DatasetSpec& d) {
  return fmt::format("dataset={},path={},task={},inputs={},selection={},max_new_tokens={}", d.name, d.path, d.task,
                     d.inputs, to_string(d.selection), d.max_new_tokens);
}

std::string budget_definition(const BudgetSpec& b, CellKind kind) {
  return fmt::format("budget={},trials={},half_width={},max={},unit={}", to_string(b.mode), b.trials, b.half_width,
                     b.max_trials_per_cell, unit_trials_for(b, kind));
}

std::string definition(const CampaignSpec& spec, const Cell& cell) {
  const ProtectionSpec& protection = spec.protections[cell.protection];
  const ModelSpec& model = spec.models[cell.model];
  std::string text = cell.key + ";" + model_definition(model) + ";" + dataset_definition(spec.datasets[cell.dataset]);
  if (cell.kind == CellKind::weight) {
    text += ";choice_scoring=" + to_string(spec.faults[cell.fault].choice_scoring);
  }
  if (needs_offline_bounds(protection.kind)) text += ";bounds=" + protection.bounds_for(model.name);
  return text + ";" + budget_definition(spec.budget, cell.kind) + fmt::format(";root={}", spec.root);
}

}  // namespace

std::string to_string(CellKind kind) { return kind == CellKind::transient ? "transient" : "weight"; }

std::vector<Cell> expand_cells(const CampaignSpec& spec) {
  std::vector<Cell> cells;
  std::set<std::string> keys;
  auto add = [&](Cell cell) {
    cell.definition = definition(spec, cell);
    if (!keys.insert(cell.key).second) {
      fail_in_file(spec.source_path, fmt::format("two cells share the key {} (a factor is listed twice)", cell.key));
    }
    cells.push_back(std::move(cell));
  };
  for (size_t m = 0; m < spec.models.size(); ++m) {
    for (size_t d = 0; d < spec.datasets.size(); ++d) {
      for (size_t f = 0; f < spec.faults.size(); ++f) {
        const FaultSpec& fault = spec.faults[f];
        const std::string& model = spec.models[m].name;
        const std::string& dataset = spec.datasets[d].name;
        Cell base;
        base.model = m;
        base.dataset = d;
        base.fault = f;
        std::vector<Cell> site_cells;  // one per site key, protection not yet set
        if (is_weight_fault(fault.model)) {
          base.kind = CellKind::weight;
          for (const auto& selection : fault.selections) {
            for (double rate : fault.rates) {
              Cell cell = base;
              cell.selection = selection;
              cell.rate = rate;
              cell.site_key = weight_site_key(model, dataset, fault.model, rate, selection);
              site_cells.push_back(cell);
            }
          }
        } else {
          const std::vector<TargetSet> all_only{TargetSet{}};
          const auto& target_sets = fault.model == fault::FaultModel::none ? all_only : spec.sites.targets;
          for (const auto& targets : target_sets) {
            Cell cell = base;
            cell.targets = targets;
            cell.site_key = transient_site_key(model, dataset, fault.model, spec.sites.sampling, targets);
            site_cells.push_back(cell);
          }
        }
        for (const Cell& site_cell : site_cells) {
          for (size_t p = 0; p < spec.protections.size(); ++p) {
            Cell cell = site_cell;
            cell.protection = p;
            cell.key = cell_key(cell.site_key, spec.protections[p]);
            add(std::move(cell));
          }
        }
      }
    }
  }
  return cells;
}

}  // namespace beamline::campaign
