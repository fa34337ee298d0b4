#pragma once
// Which hook points a transient campaign may hit: layer kinds and block
// ranges. Text form (campaign files, `beamline trial --targets`):
//   "layers=v_proj,o_proj;blocks=0-3,6"   either part may be left out:
// no layers means every linear layer of the family, no blocks every block.
// The grammar lives in common/campaign/target_set.h (campaign files use it
// without LibTorch); this file maps it onto LayerKind and a model.
#include <string>
#include <string_view>
#include <vector>

#include "common/campaign/target_set.h"
#include "common/sites/site_sampler.h"
#include "worker/modelio/model_config.h"
#include "worker/runtime/layer_kind.h"

namespace beamline::engine {

using BlockRange = campaign::BlockRange;  // first..last, inclusive

struct TargetSpec {
  std::vector<runtime::LayerKind> layers;  // empty: every linear layer
  std::vector<BlockRange> blocks;          // empty: every block
};

TargetSpec parse_targets(std::string_view text);  // throws beamline::Error naming the part
std::string format_targets(const TargetSpec& spec);
TargetSpec from_target_set(const campaign::TargetSet& targets);
campaign::TargetSet to_target_set(const TargetSpec& spec);

// Features per position a hook point outputs.
int64_t layer_output_width(const modelio::ModelConfig& config, runtime::LayerKind kind);

// The targeted hook points of this model with their widths, in block then
// execution order. Throws beamline::Error when a named layer is not computed
// by this family or a block is out of range.
std::vector<sites::TargetLayer> target_layers(const modelio::ModelConfig& config, const TargetSpec& spec);

}  // namespace beamline::engine
