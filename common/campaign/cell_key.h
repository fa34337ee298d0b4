#pragma once
// The one definition of cell keys (DESIGN.md "Determinism").
//
// A site key names a cell WITHOUT its protection: it seeds the counter-based
// generator that draws each trial's site, so every protection of a cell is
// tested on the same sites (a paired design). The cell key adds the
// protection and is unique within a campaign.
//
// What must stay true: these strings are stored in databases and decide
// every drawn site. Changing their format changes every site of every
// campaign; don't, and keep worker/engine's TransientCell::key() calling
// transient_site_key().
#include <string>

#include "common/campaign/campaign_spec.h"
#include "common/campaign/target_set.h"
#include "common/fault/fault_model.h"
#include "common/sites/site_sampler.h"

namespace beamline::campaign {

// "transient|model=M|dataset=D|fault=F|sampling=S|targets=T"
std::string transient_site_key(const std::string& model, const std::string& dataset, fault::FaultModel fault,
                               sites::SiteSampling sampling, const TargetSet& targets);

// "weight|model=M|dataset=D|fault=F|rate=P|selection=X" (P in the shortest
// text that reads back as the same double).
std::string weight_site_key(const std::string& model, const std::string& dataset, fault::FaultModel fault,
                            double rate, const WeightSelection& selection);

// site_key + "|protection=" + protection.label()
std::string cell_key(const std::string& site_key, const ProtectionSpec& protection);

}  // namespace beamline::campaign
