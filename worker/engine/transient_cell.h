#pragma once
// A transient-fault cell without its protection: what determines where a
// trial's fault lands. Its key() is the cell key of DESIGN.md
// "Determinism"; the protection is deliberately not part of it, so every
// protection of the cell is tested on the same sites.
#include <string>

#include "common/fault/fault_model.h"
#include "common/fault/numeric_format.h"
#include "common/sites/site_sampler.h"
#include "worker/engine/golden_run.h"
#include "worker/engine/targets.h"

namespace beamline::engine {

struct TransientCell {
  std::string model;    // model name as the campaign gives it
  std::string dataset;  // dataset name as the campaign gives it
  fault::FaultModel fault = fault::FaultModel::single_bit;
  sites::SiteSampling sampling = sites::SiteSampling::compute;
  TargetSpec targets;

  std::string key() const;
};

// The site of trial `trial_index` on an input whose UNPROTECTED golden run
// is `golden` (its shape must not depend on the protection under test).
sites::ActivationSite draw_site(const TransientCell& cell, uint64_t seed, uint64_t trial_index,
                                const GoldenRun& unprotected_golden, const modelio::ModelConfig& config,
                                fault::NumericFormat format);

}  // namespace beamline::engine
