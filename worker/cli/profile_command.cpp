// beamline profile: offline bounds for ranger, maximals, global_clipper and
// ft2_offline (docs/bounds.md).
#include "worker/cli/profile_command.h"

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <memory>

#include "worker/cli/model_options.h"
#include "worker/engine/profiling.h"

namespace beamline::worker {
namespace {

struct ProfileArgs {
  ModelOptions model;
  DatasetOptions dataset;
  std::string out;
};

void run_profile(const ProfileArgs& args) {
  const auto inputs = load_inputs(args.dataset);
  const auto model = load_model(args.model);
  engine::GenerationSettings settings;
  settings.max_new_tokens = args.dataset.max_new_tokens;
  const auto bounds = engine::profile_bounds(*model, inputs, settings, [](size_t done, size_t total) {
    fmt::print(stderr, "profile: {}/{} inputs\r", done, total);
  });
  bounds.save(args.out);
  fmt::print(stderr, "\n");
  fmt::print("{} hook points profiled over {} inputs -> {}\n", bounds.by_name().size(), inputs.size(), args.out);
}

}  // namespace

void add_profile_command(CLI::App& app) {
  auto args = std::make_shared<ProfileArgs>();
  CLI::App* command = app.add_subcommand("profile", "Profile every hook point's output bounds over a dataset");
  add_model_options(command, args->model);
  add_dataset_options(command, args->dataset);
  command->add_option("--out", args->out, "Bounds file to write (JSON, docs/bounds.md)")->required();
  command->callback([args] { run_profile(*args); });
}

}  // namespace beamline::worker
