#pragma once
// Writing at::Tensors as safetensors: the LibTorch side of
// safetensors_writer.h (which stays LibTorch-free). Tensors on any device and
// in any layout are copied to contiguous CPU memory first.
#include <ATen/core/Tensor.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace beamline::modelio {

using NamedTensors = std::vector<std::pair<std::string, at::Tensor>>;

// Supported tensor dtypes: float32/float16/bfloat16 (F32/F16/BF16) and, for
// completeness, float64, int64/32/16/8, uint8 and bool. Others: beamline::Error.
void write_safetensors(const std::string& path, const NamedTensors& tensors,
                       const std::map<std::string, std::string>& metadata = {});

// model.safetensors, or shard_count shards plus model.safetensors.index.json,
// in MODEL_DIR (see write_checkpoint in safetensors_writer.h).
void write_checkpoint(const std::string& model_dir, const NamedTensors& tensors,
                      int shard_count = 1);

}  // namespace beamline::modelio
