#pragma once
// Campaign file (TOML) -> a validated CampaignSpec. docs/campaign.md is the
// reference for every key. Errors are beamline::Error naming the file, the
// line and the key ("quickstart.toml:12: model[0].dtype: ...").
#include <string>
#include <string_view>

#include "common/campaign/campaign_spec.h"

namespace beamline::campaign {

// The campaign file as read: its text is what the database stores, its hash
// what the manifest carries.
struct CampaignSource {
  std::string path;
  std::string text;
  std::string hash;  // campaign_text_hash(text)
};

// "fnv1a64:0123456789abcdef" over the file's bytes. A change detector, not a
// security measure; the stored text itself is what resume compares.
std::string campaign_text_hash(std::string_view text);

CampaignSource read_campaign_source(const std::string& path);  // throws beamline::Error when unreadable
CampaignSource campaign_source_from_text(std::string path, std::string text);

CampaignSpec parse_campaign(const CampaignSource& source);
CampaignSpec load_campaign(const std::string& path);

}  // namespace beamline::campaign
