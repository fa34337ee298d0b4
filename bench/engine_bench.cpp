// Trials per second of the trial engine against the naive engine (one
// trial = one full generation from scratch at batch 1, hooks only: the
// FT2 study's harness), on the bundled models and a ~50M-parameter random
// Llama, with the outcome of every trial compared between the two. The
// two sides run the same trials interleaved (alternating which goes first
// each round), each computing its own golden runs, so load changes hit
// both alike.
//
//   engine_bench [--quick] [--root REPO] [--without SHORTCUT]... [--batch N]
//
// --without turns an engine shortcut off (early_exit, prefill_resume,
// prefill_chunks, skip_clean_blocks): run it and the default back to back
// for an A/B of that shortcut.
//
// Each side keeps its golden runs (and the engine its prefill states)
// across rounds, as a worker does across the units of one input. A round
// hands the engine one chunk per input and protection, the worker's chunk
// (kTransientChunkTrials, the default transient unit; smaller with
// --quick). The naive side runs every trial of it on the bundled models;
// on the ~50M model, where it manages 2 to 3 trials/s, it runs every fifth
// (a deterministic sample of the same sites), which gives its rate (its
// trials are independent, so the rate does not depend on which) and the
// trials whose outcomes are compared.
//
// Prints per model the rates and the engine's pass statistics, then
//   ratio engine_vs_naive_<model> X
//   ratio engine_vs_naive X      (the smallest of the models')
//   ratio outcome_agreement Y    (share of trials with the same outcome)
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <unistd.h>

#include "bench/bench_models.h"
#include "bench/naive_runner.h"
#include "worker/engine/transient_cell.h"
#include "worker/engine/trial_engine.h"
#include "worker/injection/activation_injector.h"
#include "worker/units/transient_unit.h"
#include "worker/runtime/blas_kernels.h"

namespace {

using beamline::engine::Outcome;
using Clock = std::chrono::steady_clock;

double since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

struct Side {
  double seconds = 0;
  int64_t trials = 0;
};

// One input under one protection. Each side computes its golden run once,
// in its first round, and keeps it (as the worker's golden cache does).
struct Work {
  const beamline::judge::DatasetInput* input;
  beamline::engine::ProtectionSetup setup;
  std::vector<beamline::engine::TrialRequest> requests;
  std::shared_ptr<beamline::engine::TrialEngine> engine;
  std::optional<beamline::engine::GoldenRun> golden;
  std::optional<beamline::bench::NaiveGolden> naive_golden;
};

}  // namespace

int main(int argc, char** argv) {
  beamline::runtime::blas::reexec_with_row_invariant_kernels(argv);
  using namespace beamline;
  const bench::BenchArgs args = bench::parse_bench_args(
      argc, argv, "Trials/s of the trial engine against the naive engine, and outcome agreement");
  const std::string scratch =
      (std::filesystem::temp_directory_path() / ("beamline_engine_bench_" + std::to_string(::getpid()))).string();
  std::filesystem::create_directories(scratch);
  bench::BenchModelOptions model_options;
  model_options.source_dir = args.source_dir;
  model_options.scratch_dir = scratch;
  model_options.random_inputs = args.quick ? 1 : 2;
  model_options.random_new_tokens = args.quick ? 8 : 12;
  auto models = bench::load_bench_models(model_options);

  // --quick: one round (no alternation) and half the worker's chunk on the
  // bundled models, to stay within its minute (its ratios run lower: a
  // smaller chunk fills fewer and narrower batches).
  const int rounds = args.quick ? 1 : 2;
  double smallest_ratio = 1e30;
  int64_t agree = 0, compared = 0;
  std::printf("engine vs naive: single_bit faults, compute sampling, %d threads, %d rounds alternating\n",
              torch::get_num_threads(), rounds);
  for (auto& m : models) {
    const bool large = m.parameters > 20'000'000;
    const int worker_chunk = static_cast<int>(units::kTransientChunkTrials);
    const int chunk = args.quick ? (large ? worker_chunk / 4 : worker_chunk / 2) : worker_chunk;
    const size_t naive_every = large ? (args.quick ? 4 : 5) : 1;
    const int per_input = chunk * rounds;
    std::vector<protection::ProtectionKind> kinds = {protection::ProtectionKind::none};
    if (!large) kinds.push_back(protection::ProtectionKind::ft2);

    std::vector<Work> work;
    for (const auto& input : m.inputs) {
      engine::GenerationSettings settings;
      settings.max_new_tokens = input.max_new_tokens;
      const engine::GoldenRun unprotected = engine::run_golden(*m.model, input, engine::ProtectionSetup{}, settings);
      engine::TransientCell cell;
      cell.model = m.name;
      cell.dataset = "bench";
      cell.fault = fault::FaultModel::single_bit;
      const auto format = injection::hook_point_format(m.model->model().numerics());
      std::vector<engine::TrialRequest> requests;
      for (int t = 0; t < per_input; ++t) {
        const auto index = static_cast<uint64_t>(t);
        requests.push_back({index, engine::draw_site(cell, 1, index, unprotected, m.model->config(), format)});
      }
      for (auto kind : kinds) {
        Work w{&input, {}, requests, nullptr, std::nullopt, std::nullopt};
        w.setup.options.kind = kind;
        work.push_back(std::move(w));
      }
    }

    Side fast, naive;
    engine::EngineStats stats;
    int64_t model_agree = 0, model_compared = 0;
    for (int round = 0; round < rounds; ++round) {
      for (Work& w : work) {
        const size_t begin = w.requests.size() * static_cast<size_t>(round) / rounds;
        const size_t end = w.requests.size() * static_cast<size_t>(round + 1) / rounds;
        const std::vector<engine::TrialRequest> chunk(w.requests.begin() + static_cast<std::ptrdiff_t>(begin),
                                                      w.requests.begin() + static_cast<std::ptrdiff_t>(end));
        std::vector<engine::TrialResult> engine_results;
        std::vector<Outcome> naive_results;
        const auto run_engine = [&] {
          const auto start = Clock::now();
          engine::EngineOptions options;
          options.generation.max_new_tokens = w.input->max_new_tokens;
          options.max_batch = args.batch;
          for (const std::string& off : args.without) {
            if (off == "early_exit") options.early_exit = false;
            if (off == "prefill_resume") options.prefill_resume = false;
            if (off == "prefill_chunks") options.prefill_chunks = 1;
            if (off == "skip_clean_blocks") options.skip_clean_blocks = false;
          }
          if (!w.engine) w.engine = std::make_shared<engine::TrialEngine>(*m.model, w.setup, options);
          if (!w.golden) w.golden = engine::run_golden(*m.model, *w.input, w.setup, options.generation);
          const engine::EngineStats before = w.engine->stats();
          engine_results = w.engine->run(*w.input, *w.golden, chunk);
          fast.seconds += since(start);
          fast.trials += static_cast<int64_t>(chunk.size());
          stats += w.engine->stats() - before;
        };
        const auto run_naive = [&] {
          const auto start = Clock::now();
          if (!w.naive_golden) w.naive_golden = bench::naive_golden(*m.model, *w.input, w.setup);
          for (size_t i = 0; i < chunk.size(); i += naive_every) {
            naive_results.push_back(bench::naive_trial(*m.model, *w.input, w.setup, *w.naive_golden, chunk[i].site));
          }
          naive.seconds += since(start);
          naive.trials += static_cast<int64_t>(naive_results.size());
        };
        if (round % 2 == 0) {
          run_engine();
          run_naive();
        } else {
          run_naive();
          run_engine();
        }
        for (size_t n = 0; n < naive_results.size(); ++n) {
          const size_t i = n * naive_every;
          model_agree += engine_results[i].outcome == naive_results[n] ? 1 : 0;
          ++model_compared;
          if (engine_results[i].outcome != naive_results[n]) {
            std::printf("  disagreement: %s engine %s naive %s\n", sites::format_site(chunk[i].site).c_str(),
                        engine::to_string(engine_results[i].outcome).c_str(),
                        engine::to_string(naive_results[n]).c_str());
          }
        }
      }
    }
    const double fast_rate = static_cast<double>(fast.trials) / fast.seconds;
    const double naive_rate = static_cast<double>(naive.trials) / naive.seconds;
    const double ratio = fast_rate / naive_rate;
    smallest_ratio = std::min(smallest_ratio, ratio);
    agree += model_agree;
    compared += model_compared;
    std::printf("model %s (%.1fM parameters, %zu inputs, protections none%s): engine %.1f trials/s (%lld trials), "
                "naive %.1f trials/s (%lld trials), agreement %lld/%lld\n",
                m.name.c_str(), static_cast<double>(m.parameters) / 1e6, m.inputs.size(), large ? "" : "+ft2",
                fast_rate, static_cast<long long>(fast.trials), naive_rate, static_cast<long long>(naive.trials),
                static_cast<long long>(model_agree), static_cast<long long>(model_compared));
    std::printf("  engine: %lld passes, %lld forward steps, %.1f rows/step, %lld early exits, %lld joined mid-batch, "
                "%lld prefill resumed, %lld resumes rejected, %lld prefills in chunks (%lld rejected, %lld trials rerun whole)\n",
                static_cast<long long>(stats.passes), static_cast<long long>(stats.forward_steps),
                static_cast<double>(stats.row_steps) / static_cast<double>(std::max<int64_t>(stats.forward_steps, 1)),
                static_cast<long long>(stats.early_exits), static_cast<long long>(stats.admitted),
                static_cast<long long>(stats.prefill_resumed), static_cast<long long>(stats.resume_rejected),
                static_cast<long long>(stats.chunked_prefills), static_cast<long long>(stats.chunks_rejected),
                static_cast<long long>(stats.chunk_reruns));
    std::printf("  engine: %lld row-blocks skipped (clean blocks, prefill included; %.1f per row-step)\n",
                static_cast<long long>(stats.blocks_skipped),
                static_cast<double>(stats.blocks_skipped) / static_cast<double>(std::max<int64_t>(stats.row_steps, 1)));
    std::printf("  engine time: %.3f s in all, %.3f s in passes, of which %.3f s prefill steps, %.3f s later steps\n",
                fast.seconds, stats.pass_seconds, stats.prefill_seconds, stats.decode_seconds);
    std::printf("ratio engine_vs_naive_%s %.2f\n", m.name.c_str(), ratio);
    std::fflush(stdout);
  }
  std::filesystem::remove_all(scratch);
  std::printf("ratio engine_vs_naive %.2f\n", smallest_ratio);
  std::printf("ratio outcome_agreement %.4f\n", compared ? static_cast<double>(agree) / static_cast<double>(compared) : 0.0);
  return 0;
}
