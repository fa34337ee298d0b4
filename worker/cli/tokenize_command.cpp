#include "worker/cli/tokenize_command.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/error.h"
#include "worker/tokenizer/tokenizer.h"

namespace beamline::worker {
namespace {

struct TokenizeOptions {
  std::string model_dir;
  std::string tokenizer_file;
  std::string text;
  std::string ids_to_decode;
  bool no_special = false;
  bool keep_special = false;
};

// "1 2 3" or "1,2,3" -> ids; names the item that is not a token id.
std::vector<std::int32_t> parse_ids(const std::string& list) {
  std::vector<std::int32_t> ids;
  std::size_t pos = 0;
  while (pos < list.size()) {
    const std::size_t start = list.find_first_not_of(" \t\n,", pos);
    if (start == std::string::npos) break;
    std::size_t end = list.find_first_of(" \t\n,", start);
    if (end == std::string::npos) end = list.size();
    const std::string item = list.substr(start, end - start);
    char* parsed_end = nullptr;
    errno = 0;
    const long long value = std::strtoll(item.c_str(), &parsed_end, 10);
    if (parsed_end != item.c_str() + item.size() || errno != 0 || value < 0 || value > INT32_MAX) {
      throw Error("--decode: \"" + item + "\" is not a token id (expected non-negative integers separated by spaces)");
    }
    ids.push_back(static_cast<std::int32_t>(value));
    pos = end;
  }
  return ids;
}

std::string tokenizer_path(const TokenizeOptions& options) {
  if (options.model_dir.empty() == options.tokenizer_file.empty()) {
    throw Error("tokenize: give exactly one of --model DIR or --tokenizer FILE");
  }
  if (!options.tokenizer_file.empty()) return options.tokenizer_file;
  return (std::filesystem::path(options.model_dir) / "tokenizer.json").string();
}

void run_tokenize(const TokenizeOptions& options, bool text_given, bool decode_given) {
  if (text_given == decode_given) throw Error("tokenize: give exactly one of --text TEXT or --decode \"IDS\"");
  const tokenizer::Tokenizer tokenizer = tokenizer::Tokenizer::from_file(tokenizer_path(options));
  if (decode_given) {
    fmt::print("{}\n", tokenizer.decode(parse_ids(options.ids_to_decode), !options.keep_special));
    return;
  }
  const std::vector<std::int32_t> ids = tokenizer.encode(options.text, !options.no_special);
  fmt::print("{}\n", fmt::join(ids, " "));
}

}  // namespace

void add_tokenize_command(CLI::App& app) {
  auto options = std::make_shared<TokenizeOptions>();
  CLI::App* command = app.add_subcommand(
      "tokenize",
      "Encode text to token ids, or decode ids to text, with a Hugging Face tokenizer.json.\n"
      "Encoding prints the ids, space separated, on the last line of stdout.");
  CLI::Option* model = command->add_option("--model", options->model_dir, "Model directory; reads DIR/tokenizer.json")
                            ->type_name("DIR");
  CLI::Option* file = command->add_option("--tokenizer", options->tokenizer_file, "Path to a tokenizer.json")
                           ->type_name("FILE");
  model->excludes(file);
  CLI::Option* text = command->add_option("--text", options->text, "Text to encode");
  CLI::Option* decode = command->add_option(
      "--decode", options->ids_to_decode,
      "Token ids to decode, space separated (\"1 2 3\"); special tokens are left out of the text unless "
      "--keep-special")
      ->type_name("IDS");
  text->excludes(decode);
  command->add_flag("--no-special", options->no_special,
                    "With --text: do not add the special tokens the post-processor adds (such as BOS)");
  command->add_flag("--keep-special", options->keep_special,
                    "With --decode: keep special tokens (such as <s> or <|endoftext|>) in the text");
  command->callback([options, text, decode] { run_tokenize(*options, text->count() > 0, decode->count() > 0); });
}

}  // namespace beamline::worker
