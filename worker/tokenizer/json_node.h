#pragma once
// Read-only view of one value inside tokenizer.json that knows where it is
// ("pre_tokenizer.pretokenizers[1].pattern"), so every loading error can name
// the file, the field and what was expected.
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace beamline::tokenizer {

class JsonNode {
 public:
  // `value` must outlive the node (the loader keeps the parsed document alive).
  JsonNode(const nlohmann::json& value, std::string path, std::string file);

  const nlohmann::json& value() const { return *value_; }
  const std::string& path() const { return path_; }
  const std::string& file() const { return file_; }

  bool is_null() const { return value_->is_null(); }
  bool is_string() const { return value_->is_string(); }
  bool is_array() const { return value_->is_array(); }
  bool is_object() const { return value_->is_object(); }

  // Present and not null.
  bool has(const std::string& key) const;
  // A required member; fails naming the key when absent or null.
  JsonNode at(const std::string& key) const;
  // An optional member; nullopt when absent or null.
  std::optional<JsonNode> find(const std::string& key) const;
  // Array element; the node must be an array.
  JsonNode at(std::size_t index) const;
  std::size_t array_size() const;

  std::string as_string() const;
  bool as_bool() const;
  std::int64_t as_int() const;
  // A single Unicode character given as a one-character string.
  char32_t as_char() const;

  std::string string_or(const std::string& key, const std::string& fallback) const;
  bool bool_or(const std::string& key, bool fallback) const;
  std::int64_t int_or(const std::string& key, std::int64_t fallback) const;

  // The object's "type" member (required).
  std::string type() const { return at("type").as_string(); }

  // Throws beamline::Error "FILE: PATH: message".
  [[noreturn]] void fail(const std::string& message) const;

 private:
  void require_object() const;

  const nlohmann::json* value_;
  std::string path_;
  std::string file_;
};

}  // namespace beamline::tokenizer
