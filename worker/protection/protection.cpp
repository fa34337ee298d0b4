#include "worker/protection/protection.h"

#include <ATen/ATen.h>

#include <string>

#include "common/error.h"
#include "worker/protection/fixed_bounds_protection.h"
#include "worker/protection/ft2_protection.h"

namespace beamline::protection {

void Protection::attach_to(runtime::HookSet& hooks, const std::shared_ptr<Protection>& self) const {
  for (const auto& point : points_) hooks.attach(point, self);
}

void Protection::count(const at::Tensor& per_row) {
  if (!corrections_.defined()) {
    corrections_ = per_row.to(at::kLong).clone();
  } else {
    corrections_.add_(per_row);
  }
}

void Protection::count_rows(int64_t rows, const at::Device& device) {
  if (!corrections_.defined()) corrections_ = at::zeros({rows}, at::TensorOptions().dtype(at::kLong).device(device));
}

at::Tensor Protection::counter(const at::Tensor& output) {
  if (!corrections_.defined()) corrections_ = at::zeros({output.size(0)}, output.options().dtype(at::kLong));
  return rows_of(corrections_, output);
}

at::Tensor Protection::rows_of(const at::Tensor& per_row, const at::Tensor& output) {
  const int64_t rows = output.size(0);
  if (per_row.size(0) == rows) return per_row;
  if (per_row.size(0) < rows) {
    throw Error("protection: an output of " + std::to_string(rows) + " rows for a batch of " +
                std::to_string(per_row.size(0)));
  }
  return per_row.narrow(0, 0, rows);
}

bool Protection::same_row_state(int64_t, const Protection&, int64_t) const { return true; }

void Protection::complete_rows(int64_t) {}

std::shared_ptr<Protection> make_protection(const ProtectionOptions& options, const modelio::ModelConfig& config,
                                            const LayerBounds* offline_bounds) {
  if (options.kind == ProtectionKind::none) return nullptr;
  const std::vector<runtime::LayerKind> kinds = protected_layer_kinds(options.kind, config.family);
  std::vector<runtime::HookPoint> points;
  for (int64_t block = 0; block < config.num_hidden_layers; ++block) {
    for (runtime::LayerKind kind : kinds) points.push_back({block, kind});
  }
  if (options.kind == ProtectionKind::ft2) {
    return std::make_shared<Ft2Protection>(std::move(points), options.policy, options.scale);
  }
  if (offline_bounds == nullptr) {
    throw Error("protection " + to_string(options.kind) + " needs offline bounds: pass a bounds file from `beamline profile`");
  }
  return std::make_shared<FixedBoundsProtection>(std::move(points), *offline_bounds, options.policy,
                                                 corrects_nan(options.kind));
}

}  // namespace beamline::protection
