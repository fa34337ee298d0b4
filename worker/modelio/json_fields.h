#pragma once
// Typed access to the fields of one JSON object read from a file, with
// errors that name the file, the field and what was expected:
//   config.json: field "hidden_size" must be an integer, got string
// A field set to null counts as absent, as it does for transformers' configs.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace beamline::modelio {

class JsonFields {
 public:
  // Throws beamline::Error when OBJECT is not a JSON object.
  JsonFields(std::string file, const nlohmann::json& object);

  const std::string& file() const { return file_; }
  // The field's value when present and not null.
  const nlohmann::json* find(const std::string& field) const;
  bool has(const std::string& field) const { return find(field) != nullptr; }
  // True also for a field explicitly set to null (Mistral's sliding_window:
  // absent means transformers' default, null means none).
  bool contains_key(const std::string& field) const { return object_.contains(field); }

  int64_t required_int(const std::string& field) const;
  int64_t required_positive_int(const std::string& field) const;
  std::optional<int64_t> optional_int(const std::string& field) const;
  std::optional<int64_t> optional_positive_int(const std::string& field) const;
  double number_or(const std::string& field, double fallback) const;
  bool bool_or(const std::string& field, bool fallback) const;
  std::string required_string(const std::string& field) const;
  std::string string_or(const std::string& field, const std::string& fallback) const;
  // An integer or a list of integers (eos_token_id); empty when absent.
  std::vector<int64_t> int_or_int_list(const std::string& field) const;

  [[noreturn]] void fail(const std::string& field, const std::string& message) const;

 private:
  int64_t as_int(const std::string& field, const nlohmann::json& value) const;

  std::string file_;
  const nlohmann::json& object_;
};

}  // namespace beamline::modelio
