#include "worker/runtime/loaded_model.h"

#include <filesystem>

#include "common/error.h"
#include "worker/modelio/weight_loader.h"
#include "worker/runtime/architecture.h"
#include "worker/runtime/compute_threads.h"
#include "worker/tokenizer/tokenizer.h"

namespace beamline::runtime {
namespace {

constexpr const char* kTokenizerFile = "tokenizer.json";

}  // namespace

LoadedModel::~LoadedModel() = default;

std::unique_ptr<LoadedModel> LoadedModel::load(const std::string& model_dir, const LoadOptions& options) {
  if (!std::filesystem::is_directory(model_dir)) throw Error(model_dir + ": not a model directory");
  set_compute_threads(0);
  std::unique_ptr<LoadedModel> loaded(new LoadedModel());
  loaded->directory_ = model_dir;
  loaded->run_options_ = options.run;
  const modelio::ModelConfig config = modelio::load_model_config(model_dir);
  loaded->tensors_ = modelio::load_weights(model_dir, options.run);
  loaded->model_ = build_causal_lm(config, loaded->tensors_, options.run);
  const std::string tokenizer_path = (std::filesystem::path(model_dir) / kTokenizerFile).string();
  if (options.load_tokenizer && std::filesystem::exists(tokenizer_path)) {
    loaded->tokenizer_ = std::make_unique<tokenizer::Tokenizer>(tokenizer::Tokenizer::from_file(tokenizer_path));
  }
  return loaded;
}

const tokenizer::Tokenizer& LoadedModel::tokenizer() const {
  if (!tokenizer_) {
    throw Error((std::filesystem::path(directory_) / kTokenizerFile).string() +
                ": no tokenizer loaded (file missing); pass token ids instead");
  }
  return *tokenizer_;
}

std::vector<int64_t> LoadedModel::encode(const std::string& text) const {
  const std::vector<int32_t> ids = tokenizer().encode(text, /*add_special_tokens=*/true);
  return {ids.begin(), ids.end()};
}

std::string LoadedModel::decode(const std::vector<int64_t>& ids, bool skip_special_tokens) const {
  std::vector<int32_t> narrow;
  narrow.reserve(ids.size());
  for (int64_t id : ids) narrow.push_back(static_cast<int32_t>(id));
  return tokenizer().decode(narrow, skip_special_tokens);
}

}  // namespace beamline::runtime
