// make_model: tokenizer.json "model" -> BPE, WordLevel or WordPiece.
#include <string>
#include <utility>
#include <vector>

#include "worker/tokenizer/bpe_model.h"
#include "worker/tokenizer/model.h"
#include "worker/tokenizer/word_models.h"

namespace beamline::tokenizer {
namespace {

constexpr std::int64_t kDefaultMaxInputCharsPerWord = 100;

// Merges come as "left right" strings (older files) or ["left", "right"]
// pairs (newer files, which allow spaces inside tokens).
std::vector<std::pair<std::string, std::string>> read_merges(const JsonNode& merges) {
  std::vector<std::pair<std::string, std::string>> pairs;
  const std::size_t count = merges.array_size();
  pairs.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const JsonNode merge = merges.at(i);
    if (merge.is_string()) {
      const std::string line = merge.as_string();
      const std::size_t space = line.find(' ');
      if (space == std::string::npos) merge.fail("expected \"left right\", found \"" + line + "\"");
      pairs.emplace_back(line.substr(0, space), line.substr(space + 1));
    } else if (merge.is_array() && merge.array_size() == 2) {
      pairs.emplace_back(merge.at(0).as_string(), merge.at(1).as_string());
    } else {
      merge.fail("expected a merge as \"left right\" or [\"left\", \"right\"]");
    }
  }
  return pairs;
}

std::optional<std::string> optional_string(const JsonNode& node, const std::string& key) {
  if (const auto member = node.find(key)) return member->as_string();
  return std::nullopt;
}

std::unique_ptr<Model> make_bpe(const JsonNode& node) {
  BpeOptions options;
  options.unk_token = optional_string(node, "unk_token");
  options.continuing_subword_prefix = node.string_or("continuing_subword_prefix", "");
  options.end_of_word_suffix = node.string_or("end_of_word_suffix", "");
  options.fuse_unk = node.bool_or("fuse_unk", false);
  options.byte_fallback = node.bool_or("byte_fallback", false);
  options.ignore_merges = node.bool_or("ignore_merges", false);
  if (const auto dropout = node.find("dropout")) {
    if (!dropout->value().is_number() || dropout->value().get<double>() != 0.0) {
      dropout->fail("BPE dropout is not supported (encoding must be deterministic); expected null or 0");
    }
  }
  const JsonNode merges_node = node.at("merges");
  return std::make_unique<BpeModel>(Vocabulary::from_json(node.at("vocab")), read_merges(merges_node),
                                    std::move(options), merges_node);
}

std::string infer_type(const JsonNode& node) {
  if (node.has("merges")) return "BPE";
  if (node.has("vocab") && node.at("vocab").is_array()) return "Unigram";
  if (node.has("max_input_chars_per_word")) return "WordPiece";
  if (node.has("vocab")) return "WordLevel";
  node.fail("cannot tell the model type: no \"type\", \"merges\" or \"vocab\" field");
}

}  // namespace

std::unique_ptr<Model> make_model(const JsonNode& node) {
  const std::string type = node.has("type") ? node.type() : infer_type(node);
  if (type == "BPE") return make_bpe(node);
  if (type == "WordLevel") {
    return std::make_unique<WordLevelModel>(Vocabulary::from_json(node.at("vocab")),
                                            optional_string(node, "unk_token"));
  }
  if (type == "WordPiece") {
    const std::int64_t max_chars = node.int_or("max_input_chars_per_word", kDefaultMaxInputCharsPerWord);
    if (max_chars <= 0) node.at("max_input_chars_per_word").fail("expected a positive integer");
    return std::make_unique<WordPieceModel>(Vocabulary::from_json(node.at("vocab")),
                                            node.string_or("unk_token", "[UNK]"),
                                            node.string_or("continuing_subword_prefix", "##"),
                                            static_cast<std::size_t>(max_chars));
  }
  (node.has("type") ? node.at("type") : node)
      .fail("unsupported model type \"" + type + "\" (supported: BPE, WordLevel, WordPiece)");
}

}  // namespace beamline::tokenizer
