#include "worker/runtime/dataflow.h"

namespace beamline::runtime {

std::string to_string(PathOp op) {
  switch (op) {
    case PathOp::rotary:
      return "rotary";
    case PathOp::attention_scale:
      return "attention_scale";
    case PathOp::softmax:
      return "softmax";
    case PathOp::attention_mix:
      return "attention_mix";
    case PathOp::activation:
      return "activation";
    case PathOp::gated_product:
      return "gated_product";
    case PathOp::residual_add:
      return "residual_add";
    case PathOp::norm:
      return "norm";
  }
  return "unknown";
}

bool is_linear(LayerKind kind) { return kind != LayerKind::act; }

std::vector<PathOp> path_to_next_linear(modelio::ArchitectureFamily family, LayerKind kind) {
  using P = PathOp;
  const bool opt = family == modelio::ArchitectureFamily::opt;
  switch (kind) {
    case LayerKind::q_proj:
      // OPT scales q before q.k; Llama rotates q and k, then scales q.k.
      return opt ? std::vector<P>{P::attention_scale, P::softmax, P::attention_mix}
                 : std::vector<P>{P::rotary, P::attention_scale, P::softmax, P::attention_mix};
    case LayerKind::k_proj:
      return opt ? std::vector<P>{P::attention_scale, P::softmax, P::attention_mix}
                 : std::vector<P>{P::rotary, P::attention_scale, P::softmax, P::attention_mix};
    case LayerKind::v_proj:
      return {P::attention_mix};
    case LayerKind::o_proj:
    case LayerKind::down_proj:
    case LayerKind::fc2:
      if ((kind == LayerKind::down_proj && opt) || (kind == LayerKind::fc2 && !opt)) return {};
      return {P::residual_add, P::norm};
    case LayerKind::gate_proj:
      return opt ? std::vector<P>{} : std::vector<P>{P::activation, P::gated_product};
    case LayerKind::up_proj:
      return opt ? std::vector<P>{} : std::vector<P>{P::gated_product};
    case LayerKind::fc1:
      return opt ? std::vector<P>{P::activation} : std::vector<P>{};
    case LayerKind::act:
      return opt ? std::vector<P>{} : std::vector<P>{P::gated_product};
  }
  return {};
}

}  // namespace beamline::runtime
