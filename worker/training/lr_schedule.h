#pragma once
// Learning rate per step: linear warm-up from 0 to `peak` over `warmup`
// steps, then cosine decay to `peak * final_ratio` at `total` steps.
#include <cstdint>

namespace beamline::training {

struct LrSchedule {
  double peak = 1e-3;
  int64_t warmup = 100;
  int64_t total = 1000;
  double final_ratio = 0.1;

  double at(int64_t step) const;
};

}  // namespace beamline::training
