#include "worker/modelio/json_fields.h"

#include <limits>
#include <utility>

#include "common/error.h"

namespace beamline::modelio {

JsonFields::JsonFields(std::string file, const nlohmann::json& object)
    : file_(std::move(file)), object_(object) {
  if (!object_.is_object()) {
    fail_in_file(file_, std::string("must be a JSON object, got ") + object_.type_name());
  }
}

const nlohmann::json* JsonFields::find(const std::string& field) const {
  const auto it = object_.find(field);
  if (it == object_.end() || it->is_null()) return nullptr;
  return &*it;
}

void JsonFields::fail(const std::string& field, const std::string& message) const {
  fail_in_file(file_, "field \"" + field + "\" " + message);
}

int64_t JsonFields::as_int(const std::string& field, const nlohmann::json& value) const {
  if (value.is_number_integer()) {
    if (value.is_number_unsigned() &&
        value.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      fail(field, "is too large: " + value.dump());
    }
    return value.get<int64_t>();
  }
  fail(field, std::string("must be an integer, got ") + value.type_name() + " " + value.dump());
}

int64_t JsonFields::required_int(const std::string& field) const {
  const auto* value = find(field);
  if (value == nullptr) fail(field, "is missing (required, an integer)");
  return as_int(field, *value);
}

int64_t JsonFields::required_positive_int(const std::string& field) const {
  const int64_t value = required_int(field);
  if (value <= 0) fail(field, "must be a positive integer, got " + std::to_string(value));
  return value;
}

std::optional<int64_t> JsonFields::optional_int(const std::string& field) const {
  const auto* value = find(field);
  if (value == nullptr) return std::nullopt;
  return as_int(field, *value);
}

std::optional<int64_t> JsonFields::optional_positive_int(const std::string& field) const {
  const auto value = optional_int(field);
  if (value && *value <= 0) fail(field, "must be a positive integer, got " + std::to_string(*value));
  return value;
}

double JsonFields::number_or(const std::string& field, double fallback) const {
  const auto* value = find(field);
  if (value == nullptr) return fallback;
  if (!value->is_number()) {
    fail(field, std::string("must be a number, got ") + value->type_name() + " " + value->dump());
  }
  return value->get<double>();
}

bool JsonFields::bool_or(const std::string& field, bool fallback) const {
  const auto* value = find(field);
  if (value == nullptr) return fallback;
  if (!value->is_boolean()) {
    fail(field, std::string("must be true or false, got ") + value->type_name() + " " +
                    value->dump());
  }
  return value->get<bool>();
}

std::string JsonFields::required_string(const std::string& field) const {
  const auto* value = find(field);
  if (value == nullptr) fail(field, "is missing (required, a string)");
  if (!value->is_string()) {
    fail(field, std::string("must be a string, got ") + value->type_name() + " " + value->dump());
  }
  return value->get<std::string>();
}

std::string JsonFields::string_or(const std::string& field, const std::string& fallback) const {
  const auto* value = find(field);
  if (value == nullptr) return fallback;
  if (!value->is_string()) {
    fail(field, std::string("must be a string, got ") + value->type_name() + " " + value->dump());
  }
  return value->get<std::string>();
}

std::vector<int64_t> JsonFields::int_or_int_list(const std::string& field) const {
  const auto* value = find(field);
  if (value == nullptr) return {};
  if (!value->is_array()) return {as_int(field, *value)};
  std::vector<int64_t> ids;
  for (const auto& element : *value) {
    if (!element.is_number_integer()) {
      fail(field, "must be an integer or a list of integers, got " + value->dump());
    }
    ids.push_back(as_int(field, element));
  }
  return ids;
}

}  // namespace beamline::modelio
