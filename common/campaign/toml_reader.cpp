#include "common/campaign/toml_reader.h"

#include <fmt/core.h>

#include <algorithm>

#include "common/error.h"

namespace beamline::campaign {
namespace {

std::string join(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

const char* type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    default: return "a date or time";
  }
}

}  // namespace

TomlReader::TomlReader(const toml::table& table, std::string file, std::string key_path)
    : table_(&table), file_(std::move(file)), key_path_(std::move(key_path)) {}

std::string TomlReader::key_path(std::string_view key) const {
  return key_path_.empty() ? std::string(key) : key_path_ + "." + std::string(key);
}

void TomlReader::fail(std::string_view key, const std::string& message) const {
  const toml::node* node = table_->get(key);
  const auto line = node ? node->source().begin.line : table_->source().begin.line;
  fail_in_file(fmt::format("{}:{}", file_, line), key_path(key) + ": " + message);
}

void TomlReader::fail_table(const std::string& message) const {
  fail_in_file(fmt::format("{}:{}", file_, table_->source().begin.line),
               (key_path_.empty() ? std::string("campaign file") : key_path_) + ": " + message);
}

bool TomlReader::has(std::string_view key) const { return table_->contains(key); }

std::optional<std::string> TomlReader::string(std::string_view key) const {
  const toml::node* node = table_->get(key);
  if (!node) return std::nullopt;
  if (const auto* value = node->as_string()) return value->get();
  fail(key, fmt::format("expected a string, found {}", type_name(*node)));
}

std::optional<int64_t> TomlReader::integer(std::string_view key) const {
  const toml::node* node = table_->get(key);
  if (!node) return std::nullopt;
  if (const auto* value = node->as_integer()) return value->get();
  fail(key, fmt::format("expected an integer, found {}", type_name(*node)));
}

std::optional<double> TomlReader::number(std::string_view key) const {
  const toml::node* node = table_->get(key);
  if (!node) return std::nullopt;
  if (const auto* value = node->as_floating_point()) return value->get();
  if (const auto* value = node->as_integer()) return static_cast<double>(value->get());
  fail(key, fmt::format("expected a number, found {}", type_name(*node)));
}

std::optional<std::vector<std::string>> TomlReader::strings(std::string_view key) const {
  const toml::node* node = table_->get(key);
  if (!node) return std::nullopt;
  const auto* array = node->as_array();
  if (!array) fail(key, fmt::format("expected an array of strings, found {}", type_name(*node)));
  std::vector<std::string> values;
  for (const auto& item : *array) {
    const auto* value = item.as_string();
    if (!value) fail(key, fmt::format("expected an array of strings, found {} in it", type_name(item)));
    values.push_back(value->get());
  }
  return values;
}

std::optional<std::vector<double>> TomlReader::numbers(std::string_view key) const {
  const toml::node* node = table_->get(key);
  if (!node) return std::nullopt;
  const auto* array = node->as_array();
  if (!array) fail(key, fmt::format("expected an array of numbers, found {}", type_name(*node)));
  std::vector<double> values;
  for (const auto& item : *array) {
    if (const auto* value = item.as_floating_point()) {
      values.push_back(value->get());
    } else if (const auto* integer = item.as_integer()) {
      values.push_back(static_cast<double>(integer->get()));
    } else {
      fail(key, fmt::format("expected an array of numbers, found {} in it", type_name(item)));
    }
  }
  return values;
}

std::string TomlReader::required_string(std::string_view key) const {
  if (auto value = string(key)) return *value;
  fail(key, "missing (required)");
}

int64_t TomlReader::required_integer(std::string_view key) const {
  if (auto value = integer(key)) return *value;
  fail(key, "missing (required)");
}

std::optional<std::string> TomlReader::choice(std::string_view key, const std::vector<std::string>& names) const {
  auto value = string(key);
  if (value && std::find(names.begin(), names.end(), *value) == names.end()) {
    fail(key, fmt::format("unknown value '{}' (expected one of: {})", *value, join(names)));
  }
  return value;
}

std::optional<TomlReader> TomlReader::table(std::string_view key) const {
  const toml::node* node = table_->get(key);
  if (!node) return std::nullopt;
  const auto* sub = node->as_table();
  if (!sub) fail(key, fmt::format("expected a table, found {}", type_name(*node)));
  return TomlReader(*sub, file_, key_path(key));
}

std::vector<TomlReader> TomlReader::tables(std::string_view key) const {
  const toml::node* node = table_->get(key);
  if (!node) return {};
  const auto* array = node->as_array();
  if (!array) fail(key, fmt::format("expected an array of tables ([[{}]]), found {}", key, type_name(*node)));
  std::vector<TomlReader> readers;
  for (size_t i = 0; i < array->size(); ++i) {
    const auto* sub = (*array)[i].as_table();
    if (!sub) fail(key, fmt::format("expected an array of tables ([[{}]])", key));
    readers.emplace_back(*sub, file_, fmt::format("{}[{}]", key_path(key), i));
  }
  return readers;
}

void TomlReader::reject_unknown_keys(std::initializer_list<std::string_view> allowed) const {
  for (const auto& [key, node] : *table_) {
    if (std::find(allowed.begin(), allowed.end(), key.str()) != allowed.end()) continue;
    std::string expected;
    for (auto name : allowed) expected += (expected.empty() ? "" : ", ") + std::string(name);
    const auto line = node.source().begin.line;
    fail_in_file(fmt::format("{}:{}", file_, line),
                 fmt::format("{}: unknown key (expected one of: {})", key_path(key.str()), expected));
  }
}

}  // namespace beamline::campaign
