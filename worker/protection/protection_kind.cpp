#include "worker/protection/protection_kind.h"

#include <fmt/core.h>

#include <algorithm>

#include "common/error.h"
#include "worker/protection/critical_layers.h"

namespace beamline::protection {

using runtime::LayerKind;

ProtectionKind parse_protection_kind(std::string_view name) {
  for (ProtectionKind kind : {ProtectionKind::none, ProtectionKind::ranger, ProtectionKind::maximals,
                              ProtectionKind::global_clipper, ProtectionKind::ft2, ProtectionKind::ft2_offline}) {
    if (name == to_string(kind)) return kind;
  }
  throw Error(fmt::format("protection '{}': expected none, ranger, maximals, global_clipper, ft2 or ft2_offline", name));
}

std::string to_string(ProtectionKind kind) {
  switch (kind) {
    case ProtectionKind::none: return "none";
    case ProtectionKind::ranger: return "ranger";
    case ProtectionKind::maximals: return "maximals";
    case ProtectionKind::global_clipper: return "global_clipper";
    case ProtectionKind::ft2: return "ft2";
    case ProtectionKind::ft2_offline: return "ft2_offline";
  }
  return "unknown";
}

CorrectionPolicy parse_correction_policy(std::string_view name) {
  if (name == "clip_to_bound") return CorrectionPolicy::clip_to_bound;
  if (name == "clip_to_zero") return CorrectionPolicy::clip_to_zero;
  throw Error(fmt::format("correction policy '{}': expected clip_to_bound or clip_to_zero", name));
}

std::string to_string(CorrectionPolicy policy) {
  return policy == CorrectionPolicy::clip_to_bound ? "clip_to_bound" : "clip_to_zero";
}

bool needs_offline_bounds(ProtectionKind kind) {
  return kind == ProtectionKind::ranger || kind == ProtectionKind::maximals ||
         kind == ProtectionKind::global_clipper || kind == ProtectionKind::ft2_offline;
}

bool corrects_nan(ProtectionKind kind) {
  return kind == ProtectionKind::global_clipper || kind == ProtectionKind::ft2 || kind == ProtectionKind::ft2_offline;
}

std::vector<LayerKind> protected_layer_kinds(ProtectionKind kind, modelio::ArchitectureFamily family) {
  std::vector<LayerKind> wanted;
  switch (kind) {
    case ProtectionKind::none: return {};
    case ProtectionKind::ranger: wanted = {LayerKind::act}; break;
    case ProtectionKind::maximals: wanted = {LayerKind::o_proj, LayerKind::fc2, LayerKind::down_proj}; break;
    case ProtectionKind::global_clipper: wanted = {LayerKind::v_proj, LayerKind::o_proj}; break;
    case ProtectionKind::ft2:
    case ProtectionKind::ft2_offline: return critical_layer_kinds(family);
  }
  const auto& computed = runtime::block_layer_kinds(family);
  std::vector<LayerKind> present;
  for (LayerKind k : wanted) {
    if (std::find(computed.begin(), computed.end(), k) != computed.end()) present.push_back(k);
  }
  return present;
}

}  // namespace beamline::protection
