#pragma once
// Offline bounds: the [min, max] of every hook point's output over a
// profiling dataset (`beamline profile`), used by ranger, maximals,
// global_clipper and ft2_offline. File format (docs/bounds.md):
//   {"format": "beamline-bounds/1", "model": "...", "dtype": "float32",
//    "inputs": 50, "bounds": {"0.v_proj": [-3.5, 4.25], ...}}
#include <map>
#include <optional>
#include <string>

#include "worker/runtime/layer_kind.h"

namespace beamline::protection {

struct Bounds {
  float low = 0;
  float high = 0;
};

struct BoundsMetadata {
  std::string model;
  std::string dtype;
  int64_t inputs = 0;
};

class LayerBounds {
 public:
  // Grows the bounds of `point` to include [low, high].
  void widen(const runtime::HookPoint& point, float low, float high);
  std::optional<Bounds> find(const runtime::HookPoint& point) const;
  const std::map<std::string, Bounds>& by_name() const { return bounds_; }
  bool empty() const { return bounds_.empty(); }

  BoundsMetadata metadata;

  void save(const std::string& path) const;
  // Throws beamline::Error naming the file and the key that is wrong.
  static LayerBounds load(const std::string& path);

 private:
  std::map<std::string, Bounds> bounds_;  // key: to_string(HookPoint), "3.v_proj"
};

}  // namespace beamline::protection
