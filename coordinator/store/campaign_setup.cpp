#include "coordinator/store/campaign_setup.h"

#include <filesystem>

#include "common/campaign/cells.h"
#include "common/error.h"

namespace beamline::store {

OpenedCampaign open_campaign_store(const std::string& db_path, const std::optional<campaign::CampaignSource>& source,
                                   TimeMs now, SqliteStore::Options options) {
  OpenedCampaign opened;
  // Parse and expand before touching the database: a bad campaign file
  // fails without creating one.
  if (source) {
    opened.spec = campaign::parse_campaign(*source);
    opened.cells = campaign::expand_cells(opened.spec);
  }
  if (!source && !std::filesystem::exists(db_path)) {
    fail_in_file(db_path, "no such database; give a campaign file to start one");
  }
  opened.store = std::make_unique<SqliteStore>(db_path, now, std::move(options));
  const auto stored = opened.store->campaign();
  if (!stored && !source) {
    fail_in_file(db_path, "the database holds no campaign; give a campaign file to start one");
  }
  if (!stored) {
    opened.store->create_campaign(*source, opened.spec, opened.cells, now);
    opened.cells_added = opened.cells.size();
    return opened;
  }
  if (!source) {
    opened.spec = campaign::parse_campaign(campaign::campaign_source_from_text(stored->source_path, stored->toml));
    opened.cells = campaign::expand_cells(opened.spec);
    return opened;
  }
  opened.cells_added = opened.store->apply_campaign(*source, opened.spec, opened.cells, now).added.size();
  return opened;
}

}  // namespace beamline::store
