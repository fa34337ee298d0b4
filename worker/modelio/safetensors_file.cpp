#include "worker/modelio/safetensors_file.h"

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>

#include "common/error.h"
#include "worker/modelio/shape_text.h"

namespace beamline::modelio {
namespace {

using nlohmann::json;

constexpr size_t kHeaderLengthBytes = 8;
constexpr const char* kMetadataKey = "__metadata__";

uint64_t read_le_u64(const uint8_t* bytes) {
  uint64_t value = 0;
  for (size_t i = 0; i < kHeaderLengthBytes; ++i) {
    value |= static_cast<uint64_t>(bytes[i]) << (8 * i);
  }
  return value;
}

// Reads one header entry's fields; offsets are relative to the data section.
struct HeaderEntry {
  SafetensorsDtype dtype;
  std::vector<int64_t> shape;
  uint64_t begin;
  uint64_t end;
};

uint64_t non_negative_integer(const std::string& path, const std::string& where,
                              const json& value) {
  if (value.is_number_unsigned()) return value.get<uint64_t>();
  if (value.is_number_integer() && value.get<int64_t>() >= 0) {
    return static_cast<uint64_t>(value.get<int64_t>());
  }
  fail_in_file(path, where + " must hold non-negative integers, got " + value.dump());
}

HeaderEntry parse_entry(const std::string& path, const std::string& name, const json& entry) {
  const std::string where = "header entry \"" + name + "\"";
  if (!entry.is_object()) fail_in_file(path, where + " must be an object, got " + entry.type_name());
  const auto dtype_it = entry.find("dtype");
  const auto shape_it = entry.find("shape");
  const auto offsets_it = entry.find("data_offsets");
  if (dtype_it == entry.end() || !dtype_it->is_string()) {
    fail_in_file(path, where + ": \"dtype\" must be a string");
  }
  if (shape_it == entry.end() || !shape_it->is_array()) {
    fail_in_file(path, where + ": \"shape\" must be an array of integers");
  }
  if (offsets_it == entry.end() || !offsets_it->is_array() || offsets_it->size() != 2) {
    fail_in_file(path, where + ": \"data_offsets\" must be an array [begin, end]");
  }
  const auto dtype_text = dtype_it->get<std::string>();
  const auto dtype = parse_safetensors_dtype(dtype_text);
  if (!dtype) fail_in_file(path, "tensor \"" + name + "\" has unknown dtype \"" + dtype_text + "\"");

  HeaderEntry parsed{*dtype, {}, 0, 0};
  for (const auto& dim : *shape_it) {
    const uint64_t size = non_negative_integer(path, where + ": \"shape\"", dim);
    if (size > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      fail_in_file(path, where + ": dimension " + std::to_string(size) + " is too large");
    }
    parsed.shape.push_back(static_cast<int64_t>(size));
  }
  parsed.begin = non_negative_integer(path, where + ": \"data_offsets\"", (*offsets_it)[0]);
  parsed.end = non_negative_integer(path, where + ": \"data_offsets\"", (*offsets_it)[1]);
  return parsed;
}

// Bytes the shape needs, or nullopt when the product overflows.
std::optional<uint64_t> expected_bytes(const HeaderEntry& entry) {
  uint64_t total = element_size(entry.dtype);
  for (const int64_t dim : entry.shape) {
    const auto size = static_cast<uint64_t>(dim);
    if (size != 0 && total > std::numeric_limits<uint64_t>::max() / size) return std::nullopt;
    total *= size;
  }
  return total;
}

}  // namespace

int64_t SafetensorsTensorView::numel() const {
  int64_t count = 1;
  for (const int64_t dim : shape) count *= dim;
  return count;
}

SafetensorsFile::SafetensorsFile(const std::string& path) : mapped_(path) {
  const size_t file_size = mapped_.size();
  if (file_size < kHeaderLengthBytes) {
    fail_in_file(path, "truncated: " + std::to_string(file_size) +
                           " bytes, but a safetensors file starts with an 8-byte header length");
  }
  const uint64_t header_length = read_le_u64(mapped_.data());
  if (header_length > file_size - kHeaderLengthBytes) {
    fail_in_file(path, "header length " + std::to_string(header_length) +
                           " runs past the end of the file (" + std::to_string(file_size) +
                           " bytes); the file is truncated or not safetensors");
  }
  const auto* header_begin = reinterpret_cast<const char*>(mapped_.data() + kHeaderLengthBytes);
  json header;
  try {
    header = json::parse(header_begin, header_begin + header_length);
  } catch (const json::parse_error& error) {
    fail_in_file(path, std::string("header is not valid JSON: ") + error.what());
  }
  if (!header.is_object()) {
    fail_in_file(path, std::string("header must be a JSON object, got ") + header.type_name());
  }

  const uint8_t* data_section = mapped_.data() + kHeaderLengthBytes + header_length;
  const uint64_t data_size = file_size - kHeaderLengthBytes - header_length;
  std::vector<std::pair<uint64_t, uint64_t>> spans;  // [begin, end) of each non-empty tensor
  std::vector<std::string> span_names;
  for (const auto& [name, entry] : header.items()) {
    if (name == kMetadataKey) {
      if (entry.is_object()) {
        for (const auto& [key, value] : entry.items()) {
          if (value.is_string()) metadata_[key] = value.get<std::string>();
        }
      }
      continue;
    }
    const HeaderEntry parsed = parse_entry(path, name, entry);
    const std::string tensor = "tensor \"" + name + "\"";
    if (parsed.begin > parsed.end) {
      fail_in_file(path, tensor + " has data_offsets [" + std::to_string(parsed.begin) + ", " +
                             std::to_string(parsed.end) + "] with begin after end");
    }
    if (parsed.end > data_size) {
      fail_in_file(path, tensor + " has data_offsets [" + std::to_string(parsed.begin) + ", " +
                             std::to_string(parsed.end) + "] past the end of the data section (" +
                             std::to_string(data_size) + " bytes); the file may be truncated");
    }
    const auto needed = expected_bytes(parsed);
    const uint64_t span = parsed.end - parsed.begin;
    if (!needed || *needed != span) {
      fail_in_file(path, tensor + " has shape " + shape_text(parsed.shape) + " and dtype " +
                             to_string(parsed.dtype) + ", which need " +
                             (needed ? std::to_string(*needed) : std::string("too many")) +
                             " bytes, but its data_offsets span " + std::to_string(span) +
                             " bytes");
    }
    if (span > 0) {
      spans.emplace_back(parsed.begin, parsed.end);
      span_names.push_back(name);
    }
    tensors_.push_back(SafetensorsTensorView{name, parsed.dtype, parsed.shape,
                                             data_section + parsed.begin,
                                             static_cast<size_t>(span)});
  }

  std::vector<size_t> order(spans.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return spans[a] < spans[b]; });
  for (size_t i = 1; i < order.size(); ++i) {
    const size_t previous = order[i - 1];
    const size_t current = order[i];
    if (spans[current].first < spans[previous].second) {
      fail_in_file(path, "tensors \"" + span_names[previous] + "\" and \"" + span_names[current] +
                             "\" have overlapping data_offsets");
    }
  }

  std::sort(tensors_.begin(), tensors_.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  for (size_t i = 0; i < tensors_.size(); ++i) index_by_name_[tensors_[i].name] = i;
}

bool SafetensorsFile::contains(const std::string& name) const {
  return index_by_name_.count(name) != 0;
}

const SafetensorsTensorView& SafetensorsFile::tensor(const std::string& name) const {
  const auto it = index_by_name_.find(name);
  if (it == index_by_name_.end()) fail_in_file(path(), "has no tensor \"" + name + "\"");
  return tensors_[it->second];
}

}  // namespace beamline::modelio
