#include "worker/units/trial_setup.h"

#include <fmt/core.h>

#include <memory>

#include "common/error.h"
#include "worker/injection/activation_injector.h"

namespace beamline::units {

engine::ProtectionSetup make_protection_setup(const std::string& kind, const std::string& policy, double scale,
                                              const std::string& bounds_path) {
  engine::ProtectionSetup setup;
  setup.options.kind = protection::parse_protection_kind(kind);
  setup.options.policy = protection::parse_correction_policy(policy);
  setup.options.scale = scale;
  if (protection::needs_offline_bounds(setup.options.kind)) {
    if (bounds_path.empty()) {
      throw Error(fmt::format("protection {} needs an offline bounds file (write one with `beamline profile`)", kind));
    }
    setup.offline_bounds = std::make_shared<protection::LayerBounds>(protection::LayerBounds::load(bounds_path));
  }
  return setup;
}

std::vector<engine::TrialRequest> draw_trial_requests(const engine::TransientCell& cell, uint64_t seed,
                                                      uint64_t first, uint64_t count,
                                                      const engine::GoldenRun& unprotected,
                                                      const runtime::LoadedModel& model) {
  const auto format = injection::hook_point_format(model.model().numerics());
  std::vector<engine::TrialRequest> requests;
  requests.reserve(count);
  for (uint64_t k = 0; k < count; ++k) {
    const uint64_t index = first + k;
    requests.push_back({index, engine::draw_site(cell, seed, index, unprotected, model.config(), format)});
  }
  return requests;
}

}  // namespace beamline::units
