#pragma once
// ranger, maximals, global_clipper and ft2_offline: the same bounds for
// every row and every step, profiled offline.
#include <map>

#include "worker/protection/protection.h"

namespace beamline::protection {

class FixedBoundsProtection : public Protection {
 public:
  FixedBoundsProtection(std::vector<runtime::HookPoint> points, const LayerBounds& bounds, CorrectionPolicy policy,
                        bool nan_to_zero);
  void on_output(const runtime::HookPoint& point, int64_t step, at::Tensor& output) override;
  std::shared_ptr<Protection> with_rows(const at::Tensor& rows) const override;

 private:
  std::map<std::string, Bounds> bounds_;  // by to_string(point)
  CorrectionPolicy policy_;
  bool nan_to_zero_;
};

}  // namespace beamline::protection
