#include "worker/cli/generate_command.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "common/error.h"
#include "worker/modelio/run_options.h"
#include "worker/runtime/loaded_model.h"

namespace beamline::worker {
namespace {

struct GenerateArgs {
  std::string model_dir;
  std::string prompt;
  std::string prompt_ids;
  int64_t max_new_tokens = 32;
  std::string dtype = "float32";
  std::string device = "cpu";
  std::string print = "text";
};

// "1 2 3" (or comma separated) -> ids, exactly as given. Range checks against
// the vocabulary happen in the model, which knows its size.
std::vector<int64_t> parse_prompt_ids(const std::string& list) {
  std::vector<int64_t> ids;
  size_t pos = 0;
  while (pos < list.size()) {
    const size_t start = list.find_first_not_of(" \t\n,", pos);
    if (start == std::string::npos) break;
    size_t end = list.find_first_of(" \t\n,", start);
    if (end == std::string::npos) end = list.size();
    const std::string item = list.substr(start, end - start);
    char* parsed_end = nullptr;
    errno = 0;
    const long long value = std::strtoll(item.c_str(), &parsed_end, 10);
    if (parsed_end != item.c_str() + item.size() || errno != 0) {
      throw Error("--prompt-ids: \"" + item + "\" is not a token id (expected integers separated by spaces)");
    }
    ids.push_back(value);
    pos = end;
  }
  if (ids.empty()) throw Error("--prompt-ids: no token ids given");
  return ids;
}

void run_generate(const GenerateArgs& args, bool ids_given) {
  if (args.max_new_tokens < 0) throw Error("--max-new-tokens: must be >= 0");
  runtime::LoadOptions load;
  load.run = modelio::parse_run_options(args.dtype, args.device);
  // --prompt-ids with --print ids needs no tokenizer at all.
  load.load_tokenizer = !ids_given || args.print == "text";
  const auto model = runtime::LoadedModel::load(args.model_dir, load);

  const std::vector<int64_t> prompt = ids_given ? parse_prompt_ids(args.prompt_ids) : model->encode(args.prompt);
  runtime::GenerateOptions options;
  options.max_new_tokens = args.max_new_tokens;
  const runtime::GenerateResult result = runtime::generate(model->model(), {prompt}, options);
  const std::vector<int64_t>& tokens = result.tokens.front();

  fmt::print(stderr, "{} ({}, {}): {} prompt tokens, {} generated{}\n", model->config().architecture,
             model->dtype_label(), args.device, prompt.size(), tokens.size(),
             result.stopped_at_eos.front() ? ", stopped at eos" : "");
  if (args.print == "ids") {
    fmt::print("{}\n", fmt::join(tokens, " "));
  } else {
    fmt::print("{}\n", model->decode(tokens, /*skip_special_tokens=*/true));
  }
}

}  // namespace

void add_generate_command(CLI::App& app) {
  auto args = std::make_shared<GenerateArgs>();
  CLI::App* command = app.add_subcommand(
      "generate",
      "Greedy generation with a Hugging Face model directory (config.json, safetensors, tokenizer.json).");
  command->add_option("--model", args->model_dir, "Model directory")->required();
  CLI::Option* prompt = command->add_option("--prompt", args->prompt, "Prompt text (tokenized with special tokens)");
  CLI::Option* ids = command->add_option("--prompt-ids", args->prompt_ids,
                                         "Prompt token ids, space separated (\"1 2 3\"), fed exactly as given");
  prompt->excludes(ids);
  command->add_option("--max-new-tokens", args->max_new_tokens, "Tokens to generate at most")->capture_default_str();
  command->add_option("--dtype", args->dtype, "float32, bfloat16 or float16 (emulated on CPU)")
      ->capture_default_str();
  command->add_option("--device", args->device, "cpu or cuda:N")->capture_default_str();
  command->add_option("--print", args->print, "text: the decoded continuation; ids: the generated ids")
      ->check(CLI::IsMember({"text", "ids"}))
      ->capture_default_str();
  command->callback([args, prompt, ids] {
    if ((prompt->count() > 0) == (ids->count() > 0)) {
      throw Error("generate: give exactly one of --prompt TEXT or --prompt-ids \"IDS\"");
    }
    run_generate(*args, ids->count() > 0);
  });
}

}  // namespace beamline::worker
