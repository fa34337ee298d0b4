#pragma once
// Critical layers, derived from the architecture by the FT2 study's
// heuristic (section 4.1): a linear layer is critical when no scaling
// operation or activation lies between it and the next linear layer, so an
// extreme faulty value reaches that layer undamped. The paths themselves
// are the runtime's knowledge of its forward passes (runtime/dataflow.h).
#include <vector>

#include "worker/modelio/model_config.h"
#include "worker/runtime/layer_kind.h"

namespace beamline::protection {

// The linear layers of a block whose path to the next linear layer holds no
// attention scaling and no activation, in execution order: v_proj, o_proj,
// up_proj, down_proj for the Llama family; v_proj, o_proj, fc2 for OPT.
const std::vector<runtime::LayerKind>& critical_layer_kinds(modelio::ArchitectureFamily family);

}  // namespace beamline::protection
