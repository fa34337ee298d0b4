#pragma once
// Resume with a campaign file that differs from the stored one: allowed only
// when it adds cells. Every stored cell must still exist with the same
// definition (cells.h), and the campaign's name and seed must not change;
// otherwise stored trials would no longer mean what the file says.
#include <cstdint>
#include <string>
#include <vector>

#include "common/campaign/cells.h"

namespace beamline::campaign {

struct StoredCell {
  std::string key;
  std::string definition;
};

enum class ChangeKind { identical, adds_cells, refused };

struct CampaignChange {
  ChangeKind kind = ChangeKind::identical;
  std::vector<size_t> added;  // indices into the new cells
  std::string reason;         // refused: what changed, naming the cell or field
};

CampaignChange compare_campaign(const std::string& stored_name, uint64_t stored_seed,
                                const std::vector<StoredCell>& stored, const CampaignSpec& spec,
                                const std::vector<Cell>& cells);

}  // namespace beamline::campaign
