#include "worker/engine/prefill_chunks.h"

#include <ATen/ATen.h>

#include <algorithm>

#include "worker/engine/targets.h"
#include "worker/runtime/layer_kind.h"

namespace beamline::engine {
namespace {

// Features per position of the site's layer; 0 when the model has no such
// layer.
int64_t site_width(const modelio::ModelConfig& config, const sites::ActivationSite& site) {
  const auto kind = runtime::try_parse_layer_kind(site.layer);
  return kind ? layer_output_width(config, *kind) : 0;
}

}  // namespace

std::vector<int64_t> prefill_chunk_bounds(int64_t prompt_length, int64_t chunks) {
  const int64_t n = std::max<int64_t>(1, std::min(chunks, prompt_length));
  std::vector<int64_t> bounds;
  for (int64_t c = 0; c <= n; ++c) bounds.push_back(prompt_length * c / n);
  return bounds;
}

size_t chunk_of(const std::vector<int64_t>& bounds, int64_t position) {
  for (size_t c = 0; c + 2 < bounds.size(); ++c) {
    if (position < bounds[c + 1]) return c;
  }
  return bounds.size() - 2;
}

int64_t site_position(const modelio::ModelConfig& config, const sites::ActivationSite& site) {
  const int64_t width = site_width(config, site);
  return width > 0 && site.index >= 0 ? site.index / width : 0;
}

std::optional<sites::ActivationSite> site_in_chunk(const modelio::ModelConfig& config,
                                                   const sites::ActivationSite& site, int64_t first, int64_t end) {
  const int64_t width = site_width(config, site);
  if (width == 0) return first == 0 ? std::optional<sites::ActivationSite>(site) : std::nullopt;
  const int64_t position = site.index >= 0 ? site.index / width : -1;
  if (position < first || position >= end) return std::nullopt;
  sites::ActivationSite local = site;
  local.index = site.index - first * width;
  return local;
}

std::vector<bool> non_finite_values(const runtime::KVCache& cache, int64_t first_layer, int64_t columns) {
  at::Tensor bad;
  for (int64_t layer = first_layer; layer < cache.num_layers(); ++layer) {
    const at::Tensor v = cache.values(layer).narrow(2, 0, columns);
    const at::Tensor layer_bad = at::isfinite(v).logical_not().flatten(1).any(1);
    bad = bad.defined() ? bad.logical_or(layer_bad) : layer_bad;
  }
  std::vector<bool> out(static_cast<size_t>(cache.batch()), false);
  if (!bad.defined()) return out;
  const at::Tensor cpu = bad.to(at::kCPU).contiguous();
  const bool* b = cpu.data_ptr<bool>();
  for (size_t r = 0; r < out.size(); ++r) out[r] = b[r];
  return out;
}

}  // namespace beamline::engine
