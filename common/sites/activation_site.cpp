#include "common/sites/activation_site.h"

#include <fmt/core.h>

#include <charconv>
#include <map>
#include <vector>

#include "common/error.h"
#include "common/fault/bit_flip.h"

namespace beamline::sites {
namespace {

constexpr const char* kSiteForm = "step=S,block=B,layer=NAME,index=I,bits=N[+N]";

int64_t parse_integer(const std::string& field, const std::string& value) {
  int64_t out = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), out);
  if (error != std::errc() || end != value.data() + value.size() || out < 0) {
    throw Error(fmt::format("site field '{}': expected a non-negative integer, got '{}'", field, value));
  }
  return out;
}

std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t at = text.find(separator, start);
    parts.emplace_back(text.substr(start, at - start));
    if (at == std::string_view::npos) return parts;
    start = at + 1;
  }
}

}  // namespace

bool ActivationSite::operator==(const ActivationSite& other) const {
  return step == other.step && block == other.block && layer == other.layer && index == other.index &&
         bits == other.bits;
}

std::string format_site(const ActivationSite& site) {
  std::string bits;
  for (int position : fault::bit_positions(site.bits)) {
    bits += (bits.empty() ? "" : "+") + std::to_string(position);
  }
  return fmt::format("step={},block={},layer={},index={},bits={}", site.step, site.block, site.layer,
                     site.index, bits);
}

ActivationSite parse_site(std::string_view text) {
  std::map<std::string, std::string> fields;
  std::string last_key;
  for (const std::string& part : split(text, ',')) {
    const size_t eq = part.find('=');
    if (eq == std::string::npos) {
      // "bits=3,30": a bare number continues the bit list.
      if (last_key != "bits" || part.empty()) {
        throw Error(fmt::format("site '{}': expected {}", text, kSiteForm));
      }
      fields["bits"] += "+" + part;
      continue;
    }
    last_key = part.substr(0, eq);
    if (!fields.emplace(last_key, part.substr(eq + 1)).second) {
      throw Error(fmt::format("site field '{}' given twice in '{}'", last_key, text));
    }
  }
  for (const char* required : {"step", "block", "layer", "index", "bits"}) {
    if (!fields.count(required)) {
      throw Error(fmt::format("site '{}': field '{}' missing; expected {}", text, required, kSiteForm));
    }
  }
  if (fields.size() != 5) throw Error(fmt::format("site '{}': unknown field; expected {}", text, kSiteForm));

  ActivationSite site;
  site.step = parse_integer("step", fields["step"]);
  site.block = parse_integer("block", fields["block"]);
  site.layer = fields["layer"];
  if (site.layer.empty()) throw Error("site field 'layer': expected a hook point name");
  site.index = parse_integer("index", fields["index"]);
  std::vector<int> positions;
  for (const std::string& bit : split(fields["bits"], '+')) {
    positions.push_back(static_cast<int>(parse_integer("bits", bit)));
  }
  site.bits = fault::mask_from_bit_positions(positions);
  return site;
}

}  // namespace beamline::sites
