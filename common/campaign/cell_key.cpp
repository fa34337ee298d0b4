#include "common/campaign/cell_key.h"

#include <fmt/core.h>

namespace beamline::campaign {

std::string transient_site_key(const std::string& model, const std::string& dataset, fault::FaultModel fault,
                               sites::SiteSampling sampling, const TargetSet& targets) {
  return fmt::format("transient|model={}|dataset={}|fault={}|sampling={}|targets={}", model, dataset,
                     fault::to_string(fault), sites::to_string(sampling), format_target_set(targets));
}

std::string weight_site_key(const std::string& model, const std::string& dataset, fault::FaultModel fault,
                            double rate, const WeightSelection& selection) {
  return fmt::format("weight|model={}|dataset={}|fault={}|rate={}|selection={}", model, dataset,
                     fault::to_string(fault), rate, selection.text());
}

std::string cell_key(const std::string& site_key, const ProtectionSpec& protection) {
  return site_key + "|protection=" + protection.label();
}

}  // namespace beamline::campaign
