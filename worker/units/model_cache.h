#pragma once
// Models a worker has loaded, kept across units: loading is the slow part
// of a unit (seconds for a real model), and a worker runs many units of the
// same few models. Keyed by (directory, dtype, device): the same directory
// in two dtypes is two models.
//
// Weight-fault trials write into a cached model and restore it exactly
// before they return (worker/weightfaults), so a cached model is always the
// file's weights between units.
#include <map>
#include <memory>
#include <string>

#include "worker/runtime/loaded_model.h"

namespace beamline::units {

class ModelCache {
 public:
  // The model at `directory` for `dtype` on `device`, loaded on first use.
  // Throws beamline::Error naming the directory and what is wrong with it.
  runtime::LoadedModel& get(const std::string& directory, const std::string& dtype, const std::string& device);

  // The cache key of a model: golden runs and input selections are kept per key.
  static std::string key(const std::string& directory, const std::string& dtype, const std::string& device);

  size_t size() const { return models_.size(); }

 private:
  std::map<std::string, std::unique_ptr<runtime::LoadedModel>> models_;
};

}  // namespace beamline::units
