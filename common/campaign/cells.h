#pragma once
// A campaign's cells: the product of its factors, in a fixed order
//   model x dataset x fault model x (target set | weight selection) x rate x protection
// (protection innermost, so the cells that share sites are neighbours).
// The `none` fault flips nothing, so it gets one target set ("all") instead
// of one cell per target set.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "common/campaign/campaign_spec.h"

namespace beamline::campaign {

enum class CellKind { transient, weight };
std::string to_string(CellKind kind);

struct Cell {
  std::string key;       // unique in the campaign; includes the protection
  std::string site_key;  // without the protection: seeds the site draws
  // Canonical text of everything that shapes this cell's trials (model
  // files and dtype, dataset and input rule, fault options, protection
  // options and bounds, budget). A resumed campaign may add cells but must
  // not change this for a stored one.
  std::string definition;
  CellKind kind = CellKind::transient;
  size_t model = 0;  // indices into CampaignSpec's vectors
  size_t dataset = 0;
  size_t fault = 0;
  size_t protection = 0;
  TargetSet targets;                         // transient cells
  std::optional<WeightSelection> selection;  // weight cells
  std::optional<double> rate;                // weight cells
};

// Throws beamline::Error (naming the campaign file) when two cells would
// share a key, e.g. a fault model listed twice.
std::vector<Cell> expand_cells(const CampaignSpec& spec);

}  // namespace beamline::campaign
