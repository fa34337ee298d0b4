#include "worker/modelio/weight_loader.h"

#include <ATen/ATen.h>

#include "worker/modelio/safetensors_checkpoint.h"
#include "worker/modelio/tensor_conversion.h"

namespace beamline::modelio {
namespace {

constexpr const char* kModelPrefix = "model.";
constexpr const char* kInvFreqSuffix = "rotary_emb.inv_freq";

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The top-level modules of LlamaModel (embed_tokens, layers, norm) and
// OPTModel (decoder).
constexpr const char* kBaseModelRoots[] = {"decoder.", "layers.", "embed_tokens.", "norm."};

bool is_base_model_name(const std::string& name) {
  for (const char* root : kBaseModelRoots) {
    if (starts_with(name, root)) return true;
  }
  return false;
}

// A checkpoint saved from LlamaModel/OPTModel rather than *ForCausalLM has
// no "model." prefix (transformers' base_model_prefix); such names get it so
// the architectures see one naming. A checkpoint that already uses "model."
// anywhere is left alone.
bool needs_model_prefix(const std::vector<std::string>& names) {
  for (const auto& name : names) {
    if (starts_with(name, kModelPrefix)) return false;
  }
  return true;
}

}  // namespace

TensorStore load_weights(const std::string& model_dir, const RunOptions& options) {
  return load_weights(model_dir, resolve_placement(options));
}

TensorStore load_weights(const std::string& model_dir, const Placement& placement) {
  const SafetensorsCheckpoint checkpoint(model_dir);
  const std::vector<std::string> names = checkpoint.tensor_names();
  const bool add_prefix = needs_model_prefix(names);
  TensorStore store;
  store.set_origin(checkpoint.description_path());
  for (const auto& name : names) {
    if (ends_with(name, kInvFreqSuffix)) continue;
    const std::string& file = checkpoint.file_of(name);
    const std::string stored_name =
        add_prefix && is_base_model_name(name) ? kModelPrefix + name : name;
    store.add(stored_name, to_run_tensor(checkpoint.tensor(name), file, placement), file);
  }
  return store;
}

}  // namespace beamline::modelio
