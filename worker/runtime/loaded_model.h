#pragma once
// The facade the CLI and the worker use: a Hugging Face model directory
// (config.json [+ generation_config.json] + safetensors + tokenizer.json)
// loaded for a dtype and device.
#include <memory>
#include <string>
#include <vector>

#include "worker/modelio/model_config.h"
#include "worker/modelio/run_options.h"
#include "worker/modelio/tensor_store.h"
#include "worker/runtime/causal_lm.h"
#include "worker/runtime/generate.h"

namespace beamline::tokenizer {
class Tokenizer;
}

namespace beamline::runtime {

struct LoadOptions {
  modelio::RunOptions run;
  // When false, tokenizer.json is not read (model-info, --prompt-ids).
  bool load_tokenizer = true;
};

class LoadedModel {
 public:
  // Throws beamline::Error naming the file or field at fault. Also gives
  // the BLAS as many threads as LibTorch has (compute_threads.h), so no
  // path that runs a model keeps OpenBLAS's one-per-CPU default.
  static std::unique_ptr<LoadedModel> load(const std::string& model_dir, const LoadOptions& options = {});
  ~LoadedModel();
  LoadedModel(const LoadedModel&) = delete;
  LoadedModel& operator=(const LoadedModel&) = delete;

  const std::string& directory() const { return directory_; }
  const modelio::ModelConfig& config() const { return model_->config(); }
  const modelio::RunOptions& run_options() const { return run_options_; }
  // "float32", "bfloat16", "float16" or "float16-emulated".
  std::string dtype_label() const { return model_->numerics().name(); }

  CausalLM& model() { return *model_; }
  const CausalLM& model() const { return *model_; }
  // The tensors as loaded (shared with the model's weights where dtypes agree).
  const modelio::TensorStore& tensors() const { return tensors_; }

  bool has_tokenizer() const { return tokenizer_ != nullptr; }
  // Throws beamline::Error naming DIR/tokenizer.json when it was not loaded.
  const tokenizer::Tokenizer& tokenizer() const;

  // Text in, generated ids out (the tokenizer adds special tokens as its
  // post-processor says).
  std::vector<int64_t> encode(const std::string& text) const;
  std::string decode(const std::vector<int64_t>& ids, bool skip_special_tokens) const;

 private:
  LoadedModel() = default;

  std::string directory_;
  modelio::RunOptions run_options_;
  modelio::TensorStore tensors_;
  std::unique_ptr<CausalLM> model_;
  std::unique_ptr<tokenizer::Tokenizer> tokenizer_;
};

}  // namespace beamline::runtime
