#include "worker/training/trainer.h"

#include <fmt/core.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <chrono>
#include <map>
#include <ostream>

#include "common/error.h"
#include "worker/modelio/model_config.h"
#include "worker/modelio/tensor_store.h"
#include "worker/runtime/architecture.h"
#include "worker/runtime/compute_threads.h"
#include "worker/runtime/loaded_model.h"
#include "worker/training/cpu_kernels.h"
#include "worker/tokenizer/tokenizer.h"
#include "worker/training/model_init.h"
#include "worker/training/model_output.h"
#include "worker/training/task_tokenizer.h"

namespace beamline::training {
namespace {

using Clock = std::chrono::steady_clock;

// One batch of whole sequences, right padded. Causal attention never lets a
// token see the padding after it, so no attention mask is needed; the loss
// weight is 0 over the padding.
struct Batch {
  at::Tensor inputs;   // [batch, n] int64
  at::Tensor targets;  // [batch, n] int64: inputs shifted left by one
  at::Tensor weights;  // [batch, n] float: 1 where the loss counts
  int64_t tokens = 0;  // real (unpadded) tokens
};

Batch collate(const std::vector<TokenSequence>& sequences) {
  size_t longest = 0;
  for (const auto& s : sequences) longest = std::max(longest, s.ids.size());
  const auto rows = static_cast<int64_t>(sequences.size());
  const auto columns = static_cast<int64_t>(longest) - 1;
  Batch batch;
  batch.inputs = at::full({rows, columns}, SpecialTokens::pad, at::kLong);
  batch.targets = at::full({rows, columns}, SpecialTokens::pad, at::kLong);
  batch.weights = at::zeros({rows, columns}, at::kFloat);
  auto inputs = batch.inputs.accessor<int64_t, 2>();
  auto targets = batch.targets.accessor<int64_t, 2>();
  auto weights = batch.weights.accessor<float, 2>();
  for (int64_t r = 0; r < rows; ++r) {
    const TokenSequence& s = sequences[static_cast<size_t>(r)];
    for (size_t i = 0; i + 1 < s.ids.size(); ++i) {
      const auto c = static_cast<int64_t>(i);
      inputs[r][c] = s.ids[i];
      targets[r][c] = s.ids[i + 1];
      weights[r][c] = s.loss_on[i + 1] != 0 ? 1.0F : 0.0F;
    }
    batch.tokens += static_cast<int64_t>(s.ids.size());
  }
  return batch;
}

// Loss per example kind over a progress window: which skill lags.
class KindLosses {
 public:
  void add(const std::vector<TokenSequence>& sequences, const at::Tensor& row_loss, const at::Tensor& row_weight) {
    const at::Tensor loss = row_loss.detach().to(at::kDouble).contiguous();
    const at::Tensor weight = row_weight.to(at::kDouble).contiguous();
    for (size_t r = 0; r < sequences.size(); ++r) {
      Sum& sum = sums_[sequences[r].kind];
      sum.loss += loss[static_cast<int64_t>(r)].item<double>();
      sum.tokens += weight[static_cast<int64_t>(r)].item<double>();
    }
  }
  std::string take() {
    std::string text;
    for (const auto& [kind, sum] : sums_) {
      if (sum.tokens > 0) text += fmt::format(" {} {:.3f}", kind, sum.loss / sum.tokens);
    }
    sums_.clear();
    return text;
  }

 private:
  struct Sum {
    double loss = 0;
    double tokens = 0;
  };
  std::map<std::string, Sum> sums_;
};

std::string format_duration(double seconds) {
  const auto total = static_cast<int64_t>(seconds);
  return fmt::format("{}m{:02d}s", total / 60, total % 60);
}

// Weight decay on matrices only: norms and biases are left alone, as usual.
std::vector<torch::optim::OptimizerParamGroup> parameter_groups(const std::vector<at::Tensor>& params,
                                                                const TrainOptions& options) {
  std::vector<at::Tensor> decayed;
  std::vector<at::Tensor> plain;
  for (const at::Tensor& p : params) (p.dim() >= 2 ? decayed : plain).push_back(p);
  const auto adam = [&](double decay) {
    return std::make_unique<torch::optim::AdamWOptions>(torch::optim::AdamWOptions(options.lr.peak)
                                                            .betas({0.9, options.adam_beta2})
                                                            .weight_decay(decay));
  };
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(decayed, adam(options.weight_decay));
  groups.emplace_back(plain, adam(0.0));
  return groups;
}

nlohmann::json recipe_json(const TrainOptions& o) {
  return {{"arch", to_string(o.shape.arch)},
          {"hidden", o.shape.hidden},
          {"layers", o.shape.layers},
          {"heads", o.shape.heads},
          {"kv_heads", o.shape.arch == TrainArch::llama ? o.shape.kv_heads : o.shape.heads},
          {"attention_bias", o.shape.attention_bias},
          {"rope_theta", o.shape.rope_theta},
          {"head_dim", o.shape.attention_head_dim()},
          {"intermediate", o.shape.intermediate},
          {"max_positions", o.shape.max_positions},
          {"parameters", parameter_count(o.shape)},
          {"seed", o.seed},
          {"init_from", o.init_from},
          {"steps", o.steps},
          {"batch", o.batch},
          {"lr", o.lr.peak},
          {"warmup", o.lr.warmup},
          {"final_lr_ratio", o.lr.final_ratio},
          {"weight_decay", o.weight_decay},
          {"clip_norm", o.clip_norm},
          {"adam_betas", {0.9, o.adam_beta2}}};
}

}  // namespace

TrainResult train_model(const TrainOptions& given, std::ostream& progress) {
  TrainOptions options = given;
  options.shape.vocab_size = task_vocab_size();
  options.lr.total = options.steps;
  check_shape(options.shape);
  if (options.steps <= 0) throw Error("--steps: must be positive");
  if (options.batch <= 0) throw Error("--batch: must be positive");
  if (options.out_dir.empty()) throw Error("--out: required");
  runtime::set_compute_threads(options.threads);

  write_model_files(options.out_dir, options.shape);
  const tokenizer::Tokenizer tokenizer = tokenizer::Tokenizer::from_file(options.out_dir + "/tokenizer.json");
  const TrainingStream stream(options.data, tokenizer);

  // The runtime builds the model from these very tensors (WeightBinder shares
  // a float32 store's tensors), so gradients flow into them through the
  // same forward pass that inference and fault injection use.
  torch::manual_seed(options.seed);
  modelio::NamedTensors weights = initial_weights(options.shape);
  if (!options.init_from.empty()) {
    runtime::LoadOptions load;
    load.load_tokenizer = false;
    const auto start = runtime::LoadedModel::load(options.init_from, load);
    for (auto& [name, tensor] : weights) {
      tensor = start->tensors().get(name, tensor.sizes().vec()).to(at::kFloat).clone();
    }
  }
  modelio::TensorStore store;
  for (const auto& [name, tensor] : weights) store.add(name, tensor.set_requires_grad(true), "initial weights");
  const auto model = runtime::build_causal_lm(modelio::load_model_config(options.out_dir), store, {});
  std::vector<at::Tensor> params;
  for (const runtime::NamedWeight& w : model->weights()) {
    if (!w.tensor.requires_grad()) throw std::logic_error("runtime copied weight " + w.name + "; cannot train it");
    params.push_back(w.tensor);
  }

  torch::optim::AdamW optimizer(parameter_groups(params, options));
  progress << fmt::format("train: {} {} parameters ({:.2f} MB float32), task {}, {} steps of {} sequences\n",
                          to_string(options.shape.arch), parameter_count(options.shape),
                          static_cast<double>(parameter_count(options.shape)) * 4 / 1e6,
                          to_string(options.data.task), options.steps, options.batch);
  const CpuKernels kernels = cpu_kernels();
  progress << fmt::format("train: kernels: OpenBLAS {}, ATen {}{}\n", kernels.blas_core, kernels.cpu_capability,
                          kernels.pinned ? " (pinned by the environment)"
                                         : fmt::format(" (detected: the model's bits hold only on CPUs that pick "
                                                       "these; prefix the command with {} to pin them)",
                                                       kPinnedKernelsEnv));

  TrainResult result;
  const auto started = Clock::now();
  double window_loss = 0;
  int64_t window_steps = 0;
  uint64_t next_example = 0;
  KindLosses kind_losses;
  for (int64_t step = 0; step < options.steps; ++step) {
    const double lr = options.lr.at(step);
    for (auto& group : optimizer.param_groups()) {
      static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
    }
    std::vector<TokenSequence> sequences;
    for (int64_t i = 0; i < options.batch; ++i) sequences.push_back(stream.example(next_example++, step));
    const Batch batch = collate(sequences);

    runtime::KVCache cache = model->new_cache(batch.inputs.size(0), batch.inputs.size(1));
    runtime::StepOptions step_options;
    step_options.logits = runtime::LogitsMode::all;
    const at::Tensor logits = model->forward_step(batch.inputs, {}, cache, step_options);
    const at::Tensor per_token = torch::nn::functional::cross_entropy(
        logits.reshape({-1, logits.size(-1)}), batch.targets.reshape({-1}),
        torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kNone));
    const at::Tensor flat_weights = batch.weights.reshape({-1});
    const at::Tensor loss = (per_token * flat_weights).sum() / flat_weights.sum().clamp_min(1.0);
    kind_losses.add(sequences, (per_token * flat_weights).view(batch.weights.sizes()).sum(1), batch.weights.sum(1));

    optimizer.zero_grad();
    loss.backward();
    torch::nn::utils::clip_grad_norm_(params, options.clip_norm);
    optimizer.step();

    result.tokens += batch.tokens;
    window_loss += loss.item<double>();
    ++window_steps;
    const bool last = step + 1 == options.steps;
    if ((step + 1) % options.log_every == 0 || last) {
      const double mean = window_loss / static_cast<double>(window_steps);
      if (result.first_loss == 0) result.first_loss = mean;
      result.final_loss = mean;
      const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
      const double eta = elapsed / static_cast<double>(step + 1) * static_cast<double>(options.steps - step - 1);
      progress << fmt::format("step {}/{} loss {:.4f} lr {:.2e} tokens/s {:.0f} elapsed {} eta {} |{}\n", step + 1,
                              options.steps, mean, lr, static_cast<double>(result.tokens) / elapsed,
                              format_duration(elapsed), format_duration(eta), kind_losses.take())
               << std::flush;
      window_loss = 0;
      window_steps = 0;
    }
    if (options.save_every > 0 && (step + 1) % options.save_every == 0 && !last) {
      write_weights(options.out_dir, weights);
    }
  }
  result.seconds = std::chrono::duration<double>(Clock::now() - started).count();

  write_weights(options.out_dir, weights);
  nlohmann::json recipe = recipe_json(options);
  recipe["train_seconds"] = result.seconds;
  recipe["final_loss"] = result.final_loss;
  recipe["kernels"] = {{"openblas_core", kernels.blas_core},
                       {"aten_cpu_capability", kernels.cpu_capability},
                       {"pinned", kernels.pinned}};
  write_data_record(options.out_dir, options.data, recipe, options.eval_count);
  progress << fmt::format("train: wrote {} in {}\n", options.out_dir, format_duration(result.seconds));
  return result;
}

}  // namespace beamline::training
