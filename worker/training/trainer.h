#pragma once
// `beamline train`: trains a small decoder-only model on the generated tasks
// through the runtime's own forward pass (runtime::CausalLM built from
// tensors that require grad, so training and inference share every layer
// function) and writes a Hugging Face model directory.
#include <cstdint>
#include <iosfwd>
#include <string>

#include "worker/training/lr_schedule.h"
#include "worker/training/model_shape.h"
#include "worker/training/training_data.h"

namespace beamline::training {

struct TrainOptions {
  ModelShape shape;  // vocab_size is filled in from the task tokenizer
  DataOptions data;
  uint64_t seed = 1;  // torch::manual_seed (initial weights) and the data seed
  int64_t steps = 1000;
  int64_t batch = 32;
  LrSchedule lr;  // total is set to `steps`
  double weight_decay = 0.01;
  double clip_norm = 1.0;
  double adam_beta2 = 0.98;
  int threads = 0;             // runtime::set_compute_threads; 0 keeps LibTorch's count
  int64_t log_every = 50;      // steps between progress lines
  int64_t eval_count = 200;    // examples per held-out set written to OUT/eval/
  int64_t save_every = 0;      // steps between snapshots of OUT/model.safetensors (0: end only)
  std::string out_dir;
  // Start from this model directory's weights instead of fresh ones (a
  // second stage of training; same shape required). Empty: fresh weights.
  std::string init_from;
};

struct TrainResult {
  double first_loss = 0;  // mean over the first logged window
  double final_loss = 0;  // mean over the last logged window
  int64_t tokens = 0;     // tokens fed, padding excluded
  double seconds = 0;
};

// Progress lines (step, loss, lr, tokens/s, ETA) go to `progress`. Throws
// beamline::Error for bad options or an output directory it cannot write.
TrainResult train_model(const TrainOptions& options, std::ostream& progress);

}  // namespace beamline::training
