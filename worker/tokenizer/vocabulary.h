#pragma once
// Token <-> id maps of a model's vocabulary.
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "worker/tokenizer/json_node.h"

namespace beamline::tokenizer {

class Vocabulary {
 public:
  // From a {"token": id, ...} object; fails naming the token on a bad id.
  static Vocabulary from_json(const JsonNode& node);

  std::optional<std::int32_t> find(const std::string& token) const;
  // nullptr when no token has this id.
  const std::string* token(std::int32_t id) const;
  // Largest id + 1 (0 when empty).
  std::int32_t id_upper_bound() const { return static_cast<std::int32_t>(tokens_.size()); }

 private:
  std::unordered_map<std::string, std::int32_t> ids_;
  std::vector<std::optional<std::string>> tokens_;  // indexed by id; holes allowed
};

}  // namespace beamline::tokenizer
