#pragma once
// A campaign cell and a trial range -> the WorkUnit message a worker runs
// without looking anything else up (model, dataset, fault, protection and
// keys all travel with it). Paths are as the campaign writes them; the
// worker resolves them against its --model-root.
#include <cstdint>

#include "common/campaign/campaign_spec.h"
#include "common/campaign/cells.h"
#include "common/campaign/trial_plan.h"
#include "schema/beamline.pb.h"

namespace beamline::protocol {

wire::WorkUnit make_work_unit(const campaign::CampaignSpec& spec, const campaign::Cell& cell, uint64_t unit_id,
                              uint64_t cell_id, const campaign::TrialRange& trials, uint32_t lease_ms);

}  // namespace beamline::protocol
