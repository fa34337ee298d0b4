// Golden generation with ft2 against no protection: the cost of the
// protection's hooks on a fault-free run, on the bundled models and a
// ~50M-parameter random Llama. The two sides alternate (which goes first
// swaps every round), so load changes hit both alike.
//
//   protection_bench [--quick] [--root REPO]
//
// Prints per model the seconds per generation of each side, then
//   ratio ft2_overhead_<model> X   (time with ft2 / time without: the
//                                   median over the back-to-back pairs)
//   ratio ft2_overhead X           (geometric mean over the models: each
//                                   model counts once, however slow)
// The median of paired ratios, not the ratio of summed times, because this
// machine's speed drifts by a fifth within minutes and a stall of one
// generation (another tenant, the page cache) would otherwise land on one
// side; the ratio of the sums is printed beside it.
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <unistd.h>
#include <vector>

#include "bench/bench_models.h"
#include "worker/engine/golden_run.h"
#include "worker/runtime/blas_kernels.h"

namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

int main(int argc, char** argv) {
  beamline::runtime::blas::reexec_with_row_invariant_kernels(argv);
  using namespace beamline;
  const bench::BenchArgs args = bench::parse_bench_args(argc, argv, "Golden generation with ft2 against none");
  const std::string scratch =
      (std::filesystem::temp_directory_path() / ("beamline_protection_bench_" + std::to_string(::getpid()))).string();
  std::filesystem::create_directories(scratch);
  bench::BenchModelOptions model_options;
  model_options.source_dir = args.source_dir;
  model_options.scratch_dir = scratch;
  model_options.random_inputs = 1;
  auto models = bench::load_bench_models(model_options);

  engine::ProtectionSetup none;
  engine::ProtectionSetup ft2;
  ft2.options.kind = protection::ProtectionKind::ft2;
  double log_sum = 0;
  int model_count = 0;
  std::printf("golden generation, ft2 vs none, %d threads\n", torch::get_num_threads());
  for (auto& m : models) {
    const bool large = m.parameters > 20'000'000;
    const int rounds = large ? (args.quick ? 2 : 20) : (args.quick ? 20 : 80);
    double t_none = 0, t_ft2 = 0;
    std::vector<double> pair_ratios;
    int64_t generations = 0;
    const auto timed = [&](const judge::DatasetInput& input, const engine::ProtectionSetup& setup) {
      engine::GenerationSettings settings;
      settings.max_new_tokens = input.max_new_tokens;
      const auto start = Clock::now();
      engine::run_golden(*m.model, input, setup, settings);
      return std::chrono::duration<double>(Clock::now() - start).count();
    };
    for (const auto& input : m.inputs) timed(input, ft2);  // warm-up
    for (int round = 0; round < rounds; ++round) {
      for (const auto& input : m.inputs) {
        double without = 0, with = 0;
        if (round % 2 == 0) {
          without = timed(input, none);
          with = timed(input, ft2);
        } else {
          with = timed(input, ft2);
          without = timed(input, none);
        }
        t_none += without;
        t_ft2 += with;
        pair_ratios.push_back(with / without);
        ++generations;
      }
    }
    const auto middle = pair_ratios.begin() + static_cast<std::ptrdiff_t>(pair_ratios.size() / 2);
    std::nth_element(pair_ratios.begin(), middle, pair_ratios.end());
    const double median = *middle;
    log_sum += std::log(median);
    ++model_count;
    std::printf("model %s (%.1fM parameters): %.2f ms per generation without, %.2f ms with ft2 (%lld each; "
                "ratio of the sums %.3f)\n",
                m.name.c_str(), static_cast<double>(m.parameters) / 1e6, 1e3 * t_none / static_cast<double>(generations),
                1e3 * t_ft2 / static_cast<double>(generations), static_cast<long long>(generations), t_ft2 / t_none);
    std::printf("ratio ft2_overhead_%s %.3f\n", m.name.c_str(), median);
    std::fflush(stdout);
  }
  std::filesystem::remove_all(scratch);
  std::printf("ratio ft2_overhead %.3f\n", model_count ? std::exp(log_sum / model_count) : 0.0);
  return 0;
}
