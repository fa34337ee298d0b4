#include "worker/runtime/architecture.h"

#include "common/error.h"
#include "worker/runtime/llama.h"
#include "worker/runtime/opt.h"

namespace beamline::runtime {

std::unique_ptr<CausalLM> build_causal_lm(const modelio::ModelConfig& config, const modelio::TensorStore& store,
                                          const modelio::RunOptions& options) {
  const modelio::Placement placement = modelio::resolve_placement(options);
  const std::string& arch = config.architecture;
  const bool known = arch == "LlamaForCausalLM" || arch == "MistralForCausalLM" || arch == "Qwen2ForCausalLM" ||
                     arch == "OPTForCausalLM";
  if (known) {
    // modelio normalises each architecture into its family's fields.
    return config.family == modelio::ArchitectureFamily::opt ? make_opt(config, store, placement)
                                                              : make_llama(config, store, placement);
  }
  throw Error("config.json: architectures '" + arch +
              "' is not implemented (expected LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM or "
              "OPTForCausalLM)");
}

}  // namespace beamline::runtime
