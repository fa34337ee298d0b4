#include "common/campaign/campaign_change.h"

#include <fmt/core.h>

#include <unordered_map>

namespace beamline::campaign {

CampaignChange compare_campaign(const std::string& stored_name, uint64_t stored_seed,
                                const std::vector<StoredCell>& stored, const CampaignSpec& spec,
                                const std::vector<Cell>& cells) {
  CampaignChange change;
  auto refuse = [&](std::string reason) {
    change.kind = ChangeKind::refused;
    change.added.clear();
    change.reason = std::move(reason);
    return change;
  };
  if (spec.name != stored_name) return refuse(fmt::format("the campaign name changed ({} -> {})", stored_name, spec.name));
  if (spec.seed != stored_seed) return refuse(fmt::format("the seed changed ({} -> {})", stored_seed, spec.seed));

  std::unordered_map<std::string, size_t> by_key;
  for (size_t i = 0; i < cells.size(); ++i) by_key.emplace(cells[i].key, i);
  for (const auto& old : stored) {
    const auto found = by_key.find(old.key);
    if (found == by_key.end()) return refuse(fmt::format("cell {} is no longer in the campaign", old.key));
    if (cells[found->second].definition != old.definition) {
      return refuse(fmt::format("cell {} changed: stored '{}', now '{}'", old.key, old.definition,
                                cells[found->second].definition));
    }
    by_key.erase(found);
  }
  for (size_t i = 0; i < cells.size(); ++i) {
    if (by_key.count(cells[i].key)) change.added.push_back(i);
  }
  change.kind = change.added.empty() ? ChangeKind::identical : ChangeKind::adds_cells;
  return change;
}

}  // namespace beamline::campaign
