#pragma once
// Shared by the runtime tests: the architecture variants under test, a
// model written to a scratch directory and loaded, and logit comparisons.
#include <ATen/core/Tensor.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/worker/runtime/reference_model.h"
#include "tests/worker/runtime/tiny_models.h"
#include "worker/runtime/loaded_model.h"

namespace beamline::runtime::testing {

struct Variant {
  std::string name;
  TinySpec spec;
};

// Llama (GQA, untied; biased + tied + MQA), Mistral with a small window,
// Qwen2 with biases (and with a window from layer 1), OPT with and without
// project_in/out.
std::vector<Variant> all_variants();

// A tiny model on disk, loaded, with its reference.
struct TinyModel {
  TinyModel(const TinySpec& spec, const std::string& dtype = "float32");
  std::unique_ptr<ScratchDir> dir;
  TinySpec spec;
  RawWeights weights;
  std::unique_ptr<LoadedModel> loaded;
  ReferenceModel reference() const { return ReferenceModel(spec, weights); }
  CausalLM& model() { return loaded->model(); }
};

// Deterministic prompts over the non-special ids of the vocabulary.
std::vector<int64_t> make_prompt(int64_t length, int64_t vocab_size, uint64_t salt);

// max |a - b| <= rtol * max |b| (b: the float64 reference).
::testing::AssertionResult logits_close(const at::Tensor& actual, const at::Tensor& reference, double rtol = 1e-5);

}  // namespace beamline::runtime::testing
