// Tokenizer::from_file / from_json: tokenizer.json -> Tokenizer::State.
#include <fstream>
#include <sstream>

#include "common/error.h"
#include "worker/tokenizer/json_node.h"
#include "worker/tokenizer/tokenizer.h"
#include "worker/tokenizer/tokenizer_state.h"

namespace beamline::tokenizer {
namespace {

std::vector<AddedToken> read_added_tokens(const JsonNode& root) {
  std::vector<AddedToken> tokens;
  const auto list = root.find("added_tokens");
  if (!list) return tokens;
  for (std::size_t i = 0; i < list->array_size(); ++i) {
    const JsonNode entry = list->at(i);
    AddedToken token;
    const std::int64_t id = entry.at("id").as_int();
    if (id < 0 || id > INT32_MAX) entry.at("id").fail("token id " + std::to_string(id) + " is out of range");
    token.id = static_cast<std::int32_t>(id);
    token.content = entry.at("content").as_string();
    token.special = entry.bool_or("special", false);
    token.single_word = entry.bool_or("single_word", false);
    token.lstrip = entry.bool_or("lstrip", false);
    token.rstrip = entry.bool_or("rstrip", false);
    token.normalized = entry.bool_or("normalized", !token.special);
    tokens.push_back(std::move(token));
  }
  return tokens;
}

JsonNode member_or_null(const JsonNode& root, const std::string& key) {
  static const nlohmann::json kNull;
  if (const auto member = root.find(key)) return *member;
  return JsonNode(kNull, key, root.file());
}

}  // namespace

Tokenizer Tokenizer::from_json(std::string_view json_text, const std::string& source_name) {
  nlohmann::json document;
  try {
    document = nlohmann::json::parse(json_text.begin(), json_text.end());
  } catch (const nlohmann::json::parse_error& e) {
    fail_in_file(source_name, std::string("malformed JSON (expected a tokenizer.json object): ") + e.what());
  }
  const JsonNode root(document, "", source_name);
  if (!root.is_object()) root.fail("expected a tokenizer.json object at the top level");

  auto state = std::make_shared<State>();
  state->source = source_name;
  state->model = make_model(root.at("model"));
  state->normalizer = make_normalizer(member_or_null(root, "normalizer"));
  state->pre_tokenizer = make_pre_tokenizer(member_or_null(root, "pre_tokenizer"));
  state->post_processor = make_post_processor(member_or_null(root, "post_processor"));
  state->decoder = make_decoder(member_or_null(root, "decoder"));
  state->added_tokens = AddedVocabulary(read_added_tokens(root), state->normalizer.get());
  return Tokenizer(std::move(state));
}

Tokenizer Tokenizer::from_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) fail_in_file(path, "cannot open tokenizer file (expected a Hugging Face tokenizer.json)");
  std::ostringstream contents;
  contents << file.rdbuf();
  if (file.bad()) fail_in_file(path, "cannot read tokenizer file");
  return from_json(contents.str(), path);
}

}  // namespace beamline::tokenizer
