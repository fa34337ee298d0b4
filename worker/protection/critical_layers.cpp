#include "worker/protection/critical_layers.h"

#include <algorithm>

#include "worker/runtime/dataflow.h"

namespace beamline::protection {

namespace {

std::vector<runtime::LayerKind> derive_critical_layer_kinds(modelio::ArchitectureFamily family) {
  std::vector<runtime::LayerKind> critical;
  for (runtime::LayerKind kind : runtime::block_layer_kinds(family)) {
    if (!runtime::is_linear(kind)) continue;
    const auto path = runtime::path_to_next_linear(family, kind);
    const bool damped = std::any_of(path.begin(), path.end(), [](runtime::PathOp op) {
      return op == runtime::PathOp::attention_scale || op == runtime::PathOp::activation;
    });
    if (!damped) critical.push_back(kind);
  }
  return critical;
}

}  // namespace

const std::vector<runtime::LayerKind>& critical_layer_kinds(modelio::ArchitectureFamily family) {
  // Derived once per family: ft2 makes a protection for every golden run
  // and every batch, and the answer never changes while a process runs.
  static const std::vector<runtime::LayerKind> llama = derive_critical_layer_kinds(modelio::ArchitectureFamily::llama);
  static const std::vector<runtime::LayerKind> opt = derive_critical_layer_kinds(modelio::ArchitectureFamily::opt);
  return family == modelio::ArchitectureFamily::opt ? opt : llama;
}

}  // namespace beamline::protection
