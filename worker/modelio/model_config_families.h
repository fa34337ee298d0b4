#pragma once
// Family-specific readers behind load_model_config() (model_config.cpp). Each
// fills the fields its family defines, with transformers' defaults for the
// optional ones, and throws beamline::Error for features not implemented.
#include "worker/modelio/json_fields.h"
#include "worker/modelio/model_config.h"

namespace beamline::modelio {

// LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM.
void read_llama_family_config(const JsonFields& fields, ModelConfig& config);
// OPTForCausalLM.
void read_opt_config(const JsonFields& fields, ModelConfig& config);

}  // namespace beamline::modelio
