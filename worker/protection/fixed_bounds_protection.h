#pragma once
// ranger, maximals, global_clipper and ft2_offline: the same bounds for
// every row and every step, profiled offline.
#include <optional>
#include <vector>

#include "worker/protection/protection.h"

namespace beamline::protection {

class FixedBoundsProtection : public Protection {
 public:
  FixedBoundsProtection(std::vector<runtime::HookPoint> points, const LayerBounds& bounds, CorrectionPolicy policy,
                        bool nan_to_zero);
  void on_output(const runtime::HookPoint& point, int64_t step, at::Tensor& output) override;
  std::shared_ptr<Protection> with_rows(const at::Tensor& rows) const override;

 private:
  struct PointBounds {
    at::Tensor low;   // float32 scalar tensors, made once (CPU; moved on first use elsewhere)
    at::Tensor high;
    float low_value = 0;  // the same, for the fused CPU pass
    float high_value = 0;
  };
  static size_t slot_of(const runtime::HookPoint& point) {
    return static_cast<size_t>(point.block) * runtime::kLayerKindCount + static_cast<size_t>(point.kind);
  }
  std::vector<std::optional<PointBounds>> bounds_;  // by hook-point slot
  CorrectionPolicy policy_;
  bool nan_to_zero_;
};

}  // namespace beamline::protection
