#pragma once
// The text form of a transient campaign's target set -- which hook points a
// fault may hit -- parsed in this one place for campaign files, the worker's
// engine and `beamline trial --targets`:
//   "layers=v_proj,o_proj;blocks=0-3,6"
// Either part may be left out: no layers means every linear layer of the
// model's family, no blocks every block; "" and "all" mean both.
// This is grammar only: whether a model computes a layer or has a block is
// checked by the engine against the model (worker/engine/targets.h).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace beamline::campaign {

struct BlockRange {
  int64_t first = 0;
  int64_t last = 0;  // inclusive

  bool operator==(const BlockRange& other) const { return first == other.first && last == other.last; }
};

struct TargetSet {
  std::vector<std::string> layers;  // hook point names; empty: every linear layer
  std::vector<BlockRange> blocks;   // empty: every block

  bool operator==(const TargetSet& other) const { return layers == other.layers && blocks == other.blocks; }
};

// The hook point names a target set may name (DESIGN.md: the stable names of
// every block's linear layers, plus `act`). They are stored in sites and the
// database; worker/runtime/layer_kind.h maps them to its LayerKind.
const std::vector<std::string>& hook_point_names();

// Throws beamline::Error naming the part that is wrong ("targets: ...").
TargetSet parse_target_set(std::string_view text);
// The canonical text: "all" for the empty set, otherwise parts in the
// order layers, blocks, as given. parse(format(t)) == t.
std::string format_target_set(const TargetSet& targets);

// "0-3" or "5" -> a range; throws beamline::Error. Shared with weight-fault
// layer groups, which use the same block-range text.
BlockRange parse_block_range(std::string_view text);
std::string format_block_range(const BlockRange& range);

}  // namespace beamline::campaign
