#pragma once
// Which weight tensors a weight-fault cell corrupts, as the 000 study
// selects them (shared/seeds/000_de90a7e54627af2d.txt, 4.2): by component
// (embedding, attention, feed_forward, norm, lm_head; modelio/components.h
// assigns every tensor), by layer group (the decoder blocks first..last,
// every tensor inside them; the study used groups of 4 blocks), or by name.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/campaign/campaign_spec.h"
#include "worker/modelio/components.h"
#include "worker/runtime/causal_lm.h"

namespace beamline::weightfaults {

enum class SelectionKind { components, layer_group, tensors };

struct WeightSelection {
  SelectionKind kind = SelectionKind::components;
  std::vector<modelio::Component> components;  // components
  int64_t first_block = 0;                     // layer_group, inclusive
  int64_t last_block = 0;                      // layer_group, inclusive
  std::vector<std::string> tensors;            // tensors, HF names

  // "component=attention[,feed_forward]", "blocks=0-3", "tensors=a,b": the
  // selection's part of the cell key, written by campaign::WeightSelection
  // (the one grammar; parse_weight_selection reads it back).
  std::string text() const;
};

// The campaign's selection (common/campaign, no LibTorch) and this one are
// the same thing in two vocabularies: component names vs modelio's enum.
campaign::WeightSelection to_campaign_selection(const WeightSelection& selection);
WeightSelection from_campaign_selection(const campaign::WeightSelection& selection);

// A selection's text as cell keys and work units carry it
// ("component=attention", "blocks=0-3", "tensors=a,b"). Throws
// beamline::Error naming the text.
WeightSelection parse_weight_selection(const std::string& text);

// The CLI's options, read with the same grammar:
// "attention,feed_forward". Throws beamline::Error naming --components.
WeightSelection parse_components_selection(const std::string& csv);
// "4-7" (a block range) or "1" (group 1 of `group_size` blocks: 4-7 for 4).
// Throws beamline::Error naming --layer-group / --group-size.
WeightSelection parse_layer_group(const std::string& text, int64_t group_size);
// "a,b". Throws beamline::Error naming --tensors.
WeightSelection parse_tensors_selection(const std::string& csv);

// The layer groups 0..group_size-1, group_size..2*group_size-1, ... covering
// `num_layers` blocks (the last one may be shorter), as the study swept them.
std::vector<WeightSelection> layer_groups(int64_t num_layers, int64_t group_size);

// The model tensors a selection covers, in the model's load order. Throws
// beamline::Error for a name the model lacks, blocks outside the model, or
// a selection that covers no tensor (e.g. lm_head of a tied model).
std::vector<runtime::NamedWeight> select_weights(const runtime::CausalLM& model, const WeightSelection& selection);

}  // namespace beamline::weightfaults
