#pragma once
// The protections of the FT2 study (../shared/seeds/002_*.txt): range
// restriction on chosen hook points, with bounds profiled offline or, for
// ft2, taken from the first token's generation.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "worker/modelio/model_config.h"
#include "worker/runtime/layer_kind.h"

namespace beamline::protection {

enum class ProtectionKind {
  none,
  ranger,          // activation outputs, offline bounds
  maximals,        // o_proj, fc2, down_proj outputs, offline bounds
  global_clipper,  // v_proj, o_proj outputs, offline bounds, NaN -> 0
  ft2,             // critical layers, first-token bounds x scale, NaN -> 0
  ft2_offline,     // critical layers, offline bounds, NaN -> 0
};

// What an out-of-bound value becomes: the bound (as the FT2 paper says) or
// 0 (as its released code does).
enum class CorrectionPolicy { clip_to_bound, clip_to_zero };

struct ProtectionOptions {
  ProtectionKind kind = ProtectionKind::none;
  CorrectionPolicy policy = CorrectionPolicy::clip_to_bound;
  double scale = 2.0;  // ft2: bounds = first-token min/max widened by this factor
};

ProtectionKind parse_protection_kind(std::string_view name);  // throws beamline::Error
std::string to_string(ProtectionKind kind);
CorrectionPolicy parse_correction_policy(std::string_view name);  // throws beamline::Error
std::string to_string(CorrectionPolicy policy);

// Whether the protection needs a bounds file (beamline profile).
bool needs_offline_bounds(ProtectionKind kind);
// Whether NaN values at its layers are set to 0.
bool corrects_nan(ProtectionKind kind);
// The layer kinds it guards in a model of this family (a kind the family
// does not compute is left out: MaxiMals' fc2 in a Llama model).
std::vector<runtime::LayerKind> protected_layer_kinds(ProtectionKind kind, modelio::ArchitectureFamily family);

}  // namespace beamline::protection
