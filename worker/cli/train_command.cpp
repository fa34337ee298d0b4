#include "worker/cli/train_command.h"

#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include "worker/training/trainer.h"

namespace beamline::worker {
namespace {

struct TrainArgs {
  std::string arch;
  std::string task = "mix";
  training::TrainOptions options;
  double qa_weight = -1;
  double math_weight = -1;
  double choice_weight = -1;
  double fact_weight = -1;
  double lookup_weight = -1;
};

void run_train(TrainArgs& args) {
  training::TrainOptions& o = args.options;
  o.shape.arch = training::parse_train_arch(args.arch);
  o.data.task = training::parse_train_task(args.task);
  o.data.seed = o.seed;
  o.data.weights = training::default_task_weights(o.data.task);
  if (args.qa_weight >= 0) o.data.weights.qa = args.qa_weight;
  if (args.math_weight >= 0) o.data.weights.math = args.math_weight;
  if (args.choice_weight >= 0) o.data.weights.choice = args.choice_weight;
  if (args.fact_weight >= 0) o.data.weights.choice_facts = args.fact_weight;
  if (args.lookup_weight >= 0) o.data.weights.option_lookup = args.lookup_weight;
  const training::TrainResult result = training::train_model(o, std::cerr);
  std::cout << "loss " << result.first_loss << " -> " << result.final_loss << "\n"
            << "seconds " << result.seconds << "\n";
}

}  // namespace

void add_train_command(CLI::App& app) {
  auto args = std::make_shared<TrainArgs>();
  training::TrainOptions& o = args->options;
  CLI::App* c = app.add_subcommand("train", "Train a tiny model on the generated tasks (HF layout output)");
  c->add_option("--arch", args->arch, "llama (RMSNorm, RoPE, GQA, SwiGLU) or opt (LayerNorm, learned positions)")
      ->required();
  c->add_option("--task", args->task, "qa, math, choice or mix")->capture_default_str();
  c->add_option("--out", o.out_dir, "Output model directory")->required();
  c->add_option("--seed", o.seed, "Seed of the initial weights and the task generators")->capture_default_str();
  c->add_option("--steps", o.steps, "Optimisation steps")->capture_default_str();
  c->add_option("--batch", o.batch, "Sequences per step")->capture_default_str();
  c->add_option("--hidden", o.shape.hidden, "Hidden size")->capture_default_str();
  c->add_option("--layers", o.shape.layers, "Decoder layers")->capture_default_str();
  c->add_option("--heads", o.shape.heads, "Attention heads")->capture_default_str();
  c->add_option("--kv-heads", o.shape.kv_heads, "Key/value heads (llama GQA)")->capture_default_str();
  c->add_option("--intermediate", o.shape.intermediate, "MLP size (intermediate_size / ffn_dim)")
      ->capture_default_str();
  c->add_option("--max-positions", o.shape.max_positions, "max_position_embeddings")->capture_default_str();
  c->add_flag("--attention-bias", o.shape.attention_bias, "llama: biases on q, k, v and o_proj (config attention_bias)");
  c->add_option("--rope-theta", o.shape.rope_theta, "llama: rotary base (config rope_theta)")->capture_default_str();
  c->add_option("--head-dim", o.shape.head_dim, "llama: size of each attention head (0: hidden / heads)")
      ->capture_default_str();
  c->add_option("--lookup-curriculum", o.data.lookup_curriculum_steps,
                "Steps at the start during which --lookup-curriculum-share of the sequences are option lookups")
      ->capture_default_str();
  c->add_option("--lookup-curriculum-share", o.data.lookup_curriculum_share, "See --lookup-curriculum")
      ->capture_default_str();
  c->add_option("--lookup-queries", o.data.lookup_queries,
                "Lookups per option lookup sequence, drawn with replacement (0: each option once)")
      ->capture_default_str();
  c->add_option("--bare-lookup-share", o.data.bare_lookup_share,
                "Share of option lookups that start with the options instead of a choice question's text")
      ->capture_default_str();
  c->add_option("--lr", o.lr.peak, "Peak learning rate")->capture_default_str();
  c->add_option("--warmup", o.lr.warmup, "Linear warm-up steps")->capture_default_str();
  c->add_option("--final-lr-ratio", o.lr.final_ratio, "Cosine decay ends at lr * this")->capture_default_str();
  c->add_option("--weight-decay", o.weight_decay, "AdamW weight decay (matrices only)")->capture_default_str();
  c->add_option("--clip", o.clip_norm, "Gradient norm clipping")->capture_default_str();
  c->add_option("--qa-curriculum", o.data.qa_curriculum_steps,
                "Steps over which qa contexts grow from 1 fact to the full count (0: off)")
      ->capture_default_str();
  c->add_option("--qa-max-facts", o.data.task_options.max_facts, "Facts per qa context (most)")
      ->capture_default_str();
  c->add_flag("--qa-closed-book", o.data.task_options.qa_closed_book,
              "qa without a context: questions about the memorised facts of the choice world");
  c->add_option("--math-max-operand", o.data.task_options.max_operand, "Largest number a math problem starts from or adds")
      ->capture_default_str()
      ->check(CLI::Range(1, 99));
  c->add_option("--qa-weight", args->qa_weight, "Share of qa examples (default per --task)");
  c->add_option("--math-weight", args->math_weight, "Share of math examples");
  c->add_option("--choice-weight", args->choice_weight, "Share of choice questions");
  c->add_option("--fact-weight", args->fact_weight, "Share of choice fact statements");
  c->add_option("--lookup-weight", args->lookup_weight,
                "Share of 'which option is X ?' questions (teach naming an option's letter)");
  c->add_option("--threads", o.threads, "Compute threads (LibTorch and the BLAS; 0: LibTorch's default for both)")->capture_default_str();
  c->add_option("--log-every", o.log_every, "Steps between progress lines")->capture_default_str();
  c->add_option("--init-from", o.init_from, "Start from this model directory's weights (same shape)");
  c->add_option("--save-every", o.save_every, "Steps between snapshots of OUT/model.safetensors (0: end only)")
      ->capture_default_str();
  c->add_option("--eval-count", o.eval_count, "Examples per held-out set written to OUT/eval/")
      ->capture_default_str();
  c->callback([args] { run_train(*args); });
}

}  // namespace beamline::worker
