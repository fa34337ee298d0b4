#pragma once
// The coordinator's start: a database and maybe a campaign file.
//   new database + campaign file   -> create it
//   existing database, no file     -> resume the stored campaign
//   existing database + file       -> resume; the file may only add cells
//   new database, no file          -> beamline::Error
#include <memory>
#include <optional>
#include <string>

#include "common/campaign/campaign_parser.h"
#include "coordinator/store/sqlite_store.h"

namespace beamline::store {

struct OpenedCampaign {
  std::unique_ptr<SqliteStore> store;
  campaign::CampaignSpec spec;  // parsed from the accepted campaign text
  std::vector<campaign::Cell> cells;
  size_t cells_added = 0;  // by this open (all of them for a new database)
};

OpenedCampaign open_campaign_store(const std::string& db_path, const std::optional<campaign::CampaignSource>& source,
                                   TimeMs now, SqliteStore::Options options = {});

}  // namespace beamline::store
