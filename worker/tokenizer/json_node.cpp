#include "worker/tokenizer/json_node.h"

#include "common/error.h"
#include "worker/tokenizer/utf8.h"

namespace beamline::tokenizer {
namespace {

std::string child_path(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

std::string describe(const nlohmann::json& value) {
  return std::string(value.type_name());
}

}  // namespace

JsonNode::JsonNode(const nlohmann::json& value, std::string path, std::string file)
    : value_(&value), path_(std::move(path)), file_(std::move(file)) {}

void JsonNode::fail(const std::string& message) const {
  fail_in_file(file_, path_.empty() ? message : path_ + ": " + message);
}

void JsonNode::require_object() const {
  if (!value_->is_object()) fail("expected an object, found " + describe(*value_));
}

bool JsonNode::has(const std::string& key) const {
  require_object();
  const auto it = value_->find(key);
  return it != value_->end() && !it->is_null();
}

JsonNode JsonNode::at(const std::string& key) const {
  require_object();
  const auto it = value_->find(key);
  if (it == value_->end() || it->is_null()) {
    JsonNode(*value_, child_path(path_, key), file_).fail("required field is missing");
  }
  return JsonNode(*it, child_path(path_, key), file_);
}

std::optional<JsonNode> JsonNode::find(const std::string& key) const {
  require_object();
  const auto it = value_->find(key);
  if (it == value_->end() || it->is_null()) return std::nullopt;
  return JsonNode(*it, child_path(path_, key), file_);
}

JsonNode JsonNode::at(std::size_t index) const {
  if (!value_->is_array()) fail("expected an array, found " + describe(*value_));
  if (index >= value_->size()) fail("index " + std::to_string(index) + " out of range");
  return JsonNode((*value_)[index], path_ + "[" + std::to_string(index) + "]", file_);
}

std::size_t JsonNode::array_size() const {
  if (!value_->is_array()) fail("expected an array, found " + describe(*value_));
  return value_->size();
}

std::string JsonNode::as_string() const {
  if (!value_->is_string()) fail("expected a string, found " + describe(*value_));
  return value_->get<std::string>();
}

bool JsonNode::as_bool() const {
  if (!value_->is_boolean()) fail("expected true or false, found " + describe(*value_));
  return value_->get<bool>();
}

std::int64_t JsonNode::as_int() const {
  if (!value_->is_number_integer()) fail("expected an integer, found " + describe(*value_));
  return value_->get<std::int64_t>();
}

char32_t JsonNode::as_char() const {
  const std::string text = as_string();
  if (text.empty() || utf8::find_invalid(text) != std::string::npos ||
      utf8::decode_at(text, 0).length != text.size()) {
    fail("expected a single character, found \"" + text + "\"");
  }
  return utf8::decode_at(text, 0).code_point;
}

std::string JsonNode::string_or(const std::string& key, const std::string& fallback) const {
  const auto member = find(key);
  return member ? member->as_string() : fallback;
}

bool JsonNode::bool_or(const std::string& key, bool fallback) const {
  const auto member = find(key);
  return member ? member->as_bool() : fallback;
}

std::int64_t JsonNode::int_or(const std::string& key, std::int64_t fallback) const {
  const auto member = find(key);
  return member ? member->as_int() : fallback;
}

}  // namespace beamline::tokenizer
