#include "worker/tokenizer/vocabulary.h"

namespace beamline::tokenizer {
namespace {

// Far above any published vocabulary; guards against allocating for a typo.
constexpr std::int64_t kMaxTokenId = std::int64_t{1} << 24;

}  // namespace

Vocabulary Vocabulary::from_json(const JsonNode& node) {
  if (!node.is_object()) node.fail("expected an object mapping tokens to ids");
  Vocabulary vocabulary;
  vocabulary.ids_.reserve(node.value().size());
  for (const auto& [token, id_value] : node.value().items()) {
    const JsonNode id_node(id_value, node.path() + "[\"" + token + "\"]", node.file());
    const std::int64_t id = id_node.as_int();
    if (id < 0 || id >= kMaxTokenId) {
      id_node.fail("token id " + std::to_string(id) + " is outside [0, " + std::to_string(kMaxTokenId) + ")");
    }
    vocabulary.ids_[token] = static_cast<std::int32_t>(id);
    if (static_cast<std::size_t>(id) >= vocabulary.tokens_.size()) {
      vocabulary.tokens_.resize(static_cast<std::size_t>(id) + 1);
    }
    vocabulary.tokens_[static_cast<std::size_t>(id)] = token;
  }
  return vocabulary;
}

std::optional<std::int32_t> Vocabulary::find(const std::string& token) const {
  const auto it = ids_.find(token);
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

const std::string* Vocabulary::token(std::int32_t id) const {
  if (id < 0 || static_cast<std::size_t>(id) >= tokens_.size() || !tokens_[static_cast<std::size_t>(id)]) {
    return nullptr;
  }
  return &*tokens_[static_cast<std::size_t>(id)];
}

}  // namespace beamline::tokenizer
