#include "worker/runtime/hooks.h"

#include "common/error.h"

namespace beamline::runtime {

void HookSet::attach(const HookPoint& point, std::shared_ptr<LayerHook> hook) {
  if (point.block < 0) throw Error("hook point " + to_string(point) + ": negative block index");
  const size_t slot = slot_of(point);
  if (slot >= by_point_.size()) by_point_.resize(slot + 1);
  by_point_[slot].push_back(std::move(hook));
  ++attached_count_;
}

void HookSet::attach_everywhere(std::shared_ptr<LayerHook> hook) { everywhere_.push_back(std::move(hook)); }

void HookSet::clear() {
  by_point_.clear();
  everywhere_.clear();
  attached_count_ = 0;
}

void HookSet::run(const HookPoint& point, int64_t step, at::Tensor& output) const {
  for (const auto& hook : everywhere_) hook->on_output(point, step, output);
  const size_t slot = slot_of(point);
  if (slot >= by_point_.size()) return;
  for (const auto& hook : by_point_[slot]) hook->on_output(point, step, output);
}

}  // namespace beamline::runtime
