#include "worker/units/model_cache.h"

#include <fmt/core.h>

#include "worker/modelio/run_options.h"

namespace beamline::units {

std::string ModelCache::key(const std::string& directory, const std::string& dtype, const std::string& device) {
  return fmt::format("{}|{}|{}", directory, dtype, device);
}

runtime::LoadedModel& ModelCache::get(const std::string& directory, const std::string& dtype,
                                      const std::string& device) {
  const std::string k = key(directory, dtype, device);
  auto found = models_.find(k);
  if (found != models_.end()) return *found->second;
  runtime::LoadOptions options;
  options.run = modelio::parse_run_options(dtype, device);
  auto model = runtime::LoadedModel::load(directory, options);  // reads tokenizer.json too
  return *models_.emplace(k, std::move(model)).first->second;
}

}  // namespace beamline::units
