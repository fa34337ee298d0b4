#pragma once
// Writes .safetensors files (and sharded checkpoints with their index) from
// raw tensor bytes. Used by tests to build random models in the Hugging Face
// layout and by training to save weights. No LibTorch here; see
// torch_safetensors_writer.h for writing at::Tensors.
#include <map>
#include <string>
#include <vector>

#include "worker/modelio/safetensors_file.h"

namespace beamline::modelio {

// The file name of an unsharded checkpoint and of a sharded one's index.
inline constexpr const char* kSingleCheckpointFile = "model.safetensors";
inline constexpr const char* kCheckpointIndexFile = "model.safetensors.index.json";

// Writes PATH from the given tensors (their bytes are read, not kept). Each
// tensor's byte_size must match its shape and dtype and names must be unique;
// otherwise beamline::Error. Tensors are laid out by element size then name,
// so every tensor starts at an offset aligned to its element size, and the
// header is padded with spaces to a multiple of 8 bytes, as the reference
// implementation does. Written to PATH.tmp and renamed, so a reader never
// sees half a file.
void write_safetensors(const std::string& path, const std::vector<SafetensorsTensorView>& tensors,
                       const std::map<std::string, std::string>& metadata = {});

// Writes MODEL_DIR/model.safetensors.index.json: {"metadata": {"total_size":
// bytes}, "weight_map": {tensor name: shard file name}}.
void write_safetensors_index(const std::string& model_dir,
                             const std::map<std::string, std::string>& weight_map,
                             uint64_t total_size);

// Writes the tensors into MODEL_DIR as HF does: one model.safetensors when
// shard_count is 1, else model-0000i-of-0000n.safetensors shards (tensors
// split by name order into shard_count groups) plus the index.
void write_checkpoint(const std::string& model_dir, const std::vector<SafetensorsTensorView>& tensors,
                      int shard_count = 1);

}  // namespace beamline::modelio
