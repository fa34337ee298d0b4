// beamline train: the task tokenizer round trip, the learning-rate schedule,
// a tiny training run whose loss falls and whose output loads back through
// the runtime, and bit-identical weights for the same seed.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "worker/runtime/generate.h"
#include "worker/runtime/loaded_model.h"
#include "worker/tasks/generators.h"
#include "worker/tokenizer/tokenizer.h"
#include "worker/training/eval_sets.h"
#include "worker/training/lr_schedule.h"
#include "worker/training/task_tokenizer.h"
#include "common/error.h"
#include "worker/training/model_init.h"
#include "worker/training/model_shape.h"
#include "worker/training/trainer.h"
#include "worker/training/training_data.h"

namespace beamline::training {
namespace {

namespace fs = std::filesystem;

class TrainingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("beamline_training_test_" + std::to_string(::getpid()));
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  // A model small enough to train for a few hundred steps in seconds.
  TrainOptions tiny(TrainArch arch, const std::string& name) const {
    TrainOptions o;
    o.shape.arch = arch;
    o.shape.hidden = 32;
    o.shape.layers = 2;
    o.shape.heads = 4;
    o.shape.kv_heads = 2;
    o.shape.intermediate = 64;
    o.shape.max_positions = 96;
    o.data.task = TrainTask::math;
    o.data.weights = default_task_weights(TrainTask::math);
    o.batch = 8;
    o.steps = 200;
    o.lr.peak = 3e-3;
    o.lr.warmup = 20;
    o.log_every = 20;
    o.eval_count = 5;
    o.threads = 1;  // small matmuls: more threads only contend
    o.out_dir = (root_ / name).string();
    return o;
  }

  static std::string file_bytes(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }

  fs::path root_;
};

TEST(TaskTokenizer, EveryTaskTextRoundTripsWithoutUnknownWords) {
  const auto tok = tokenizer::Tokenizer::from_json(task_tokenizer_json().dump(), "task tokenizer");
  EXPECT_EQ(tok.vocab_size(), task_vocab_size());
  EXPECT_EQ(tok.token_to_id("</s>"), SpecialTokens::eos);
  EXPECT_TRUE(tok.is_special_token(SpecialTokens::eos));
  for (const auto task : {judge::TaskKind::qa, judge::TaskKind::math, judge::TaskKind::choice}) {
    for (uint64_t i = 0; i < 50; ++i) {
      const tasks::TaskExample example = tasks::make_example(task, 7, tasks::Split::train, i, {});
      for (const std::string& text : {tasks::training_text(example), example.prompt}) {
        const auto ids = tok.encode(text, false);
        for (const int32_t id : ids) ASSERT_NE(id, SpecialTokens::unk) << text;
        EXPECT_EQ(tok.decode(ids), text);
      }
    }
  }
  auto ids = tok.encode("answer : voss", false);
  ids.push_back(static_cast<int32_t>(SpecialTokens::eos));
  EXPECT_EQ(tok.decode(ids, true), "answer : voss");
}

TEST(LrSchedule, WarmsUpLinearlyThenDecaysToTheFinalRatio) {
  const LrSchedule lr{1e-3, 10, 110, 0.1};
  EXPECT_DOUBLE_EQ(lr.at(0), 1e-4);
  EXPECT_DOUBLE_EQ(lr.at(9), 1e-3);
  EXPECT_NEAR(lr.at(10), 1e-3, 1e-12);
  EXPECT_NEAR(lr.at(60), 0.55e-3, 1e-9);
  EXPECT_NEAR(lr.at(110), 1e-4, 1e-12);
  EXPECT_GT(lr.at(30), lr.at(40));
}

TEST_F(TrainingTest, LossFallsAndTheModelLoadsBackThroughTheRuntime) {
  TrainOptions options = tiny(TrainArch::llama, "llama");
  std::ostringstream progress;
  const TrainResult result = train_model(options, progress);
  EXPECT_LT(result.final_loss, 0.6 * result.first_loss) << progress.str();
  EXPECT_NE(progress.str().find("tokens/s"), std::string::npos);
  EXPECT_NE(progress.str().find("eta"), std::string::npos);

  for (const char* file : {"config.json", "model.safetensors", "tokenizer.json", "generation_config.json",
                           "training_data.json", "eval/qa.jsonl", "eval/math.jsonl", "eval/choice.jsonl"}) {
    EXPECT_TRUE(fs::exists(fs::path(options.out_dir) / file)) << file;
  }
  // The kernels the run computed with are on record: a model's bits
  // depend on them (cpu_kernels.h).
  std::ifstream record_file(fs::path(options.out_dir) / "training_data.json");
  const auto kernels = nlohmann::json::parse(record_file).at("recipe").at("kernels");
  EXPECT_NE(kernels.at("openblas_core").get<std::string>(), "unknown");  // OpenBLAS (DESIGN.md)
  EXPECT_NE(kernels.at("aten_cpu_capability").get<std::string>(), "unknown");
  EXPECT_NE(progress.str().find("kernels: OpenBLAS"), std::string::npos) << progress.str();

  const auto model = runtime::LoadedModel::load(options.out_dir);
  EXPECT_EQ(model->config().vocab_size, task_vocab_size());
  const tasks::TaskExample example = tasks::make_math_example(1, tasks::Split::eval, 0, {});
  runtime::GenerateOptions generate;
  generate.max_new_tokens = 24;
  const auto out = runtime::generate(model->model(), {model->encode(example.prompt)}, generate);
  ASSERT_EQ(out.tokens.size(), 1U);
  EXPECT_FALSE(out.tokens[0].empty());
  // After 200 steps the model has at least learned the answer's shape.
  EXPECT_NE(model->decode(out.tokens[0], true).find("answer is"), std::string::npos)
      << model->decode(out.tokens[0], true);
}

TEST_F(TrainingTest, OptTrainsAndLoads) {
  TrainOptions options = tiny(TrainArch::opt, "opt");
  options.steps = 30;
  std::ostringstream progress;
  const TrainResult result = train_model(options, progress);
  EXPECT_LT(result.final_loss, result.first_loss);
  const auto model = runtime::LoadedModel::load(options.out_dir);
  EXPECT_EQ(model->config().num_hidden_layers, 2);
  const auto out = runtime::generate(model->model(), {model->encode("problem : abel has 3 coins .")}, {});
  EXPECT_FALSE(out.tokens.at(0).empty());
}

TEST_F(TrainingTest, SameSeedGivesBitIdenticalWeights) {
  std::ostringstream progress;
  TrainOptions first = tiny(TrainArch::llama, "first");
  first.steps = 5;
  first.data.task = TrainTask::mix;
  first.data.weights = default_task_weights(TrainTask::mix);
  TrainOptions second = first;
  second.out_dir = (root_ / "second").string();
  TrainOptions other = first;
  other.out_dir = (root_ / "other").string();
  other.seed = 2;
  train_model(first, progress);
  train_model(second, progress);
  train_model(other, progress);
  const std::string a = file_bytes(fs::path(first.out_dir) / "model.safetensors");
  EXPECT_FALSE(a.empty());
  EXPECT_EQ(a, file_bytes(fs::path(second.out_dir) / "model.safetensors"));
  EXPECT_NE(a, file_bytes(fs::path(other.out_dir) / "model.safetensors"));
}

TEST_F(TrainingTest, EvalSetsGiveEachAnswerRoomToFinish) {
  EvalSetSpec spec;
  spec.task = judge::TaskKind::math;
  spec.count = 20;
  const std::string path = (root_ / "math.jsonl").string();
  write_eval_set(spec, path);
  std::ifstream in(path);
  int lines = 0;
  for (std::string line; std::getline(in, line); ++lines) {
    const auto row = nlohmann::json::parse(line);
    EXPECT_EQ(row.at("task"), "math");
    EXPECT_GE(row.at("max_new_tokens").get<int>(), 8);
    EXPECT_NE(row.at("prompt").get<std::string>().find("answer :"), std::string::npos);
  }
  EXPECT_EQ(lines, 20);
  spec.task = judge::TaskKind::choice;
  write_eval_set(spec, path);
  std::ifstream choice(path);
  std::string line;
  std::getline(choice, line);
  const auto row = nlohmann::json::parse(line);
  EXPECT_EQ(row.at("max_new_tokens"), 3);  // " brown D" and the eos
  EXPECT_EQ(row.at("options").size(), 4U);
  ASSERT_EQ(row.at("option_continuations").size(), 4U);
  EXPECT_EQ(row.at("option_continuations")[0], " " + row.at("options")[0].get<std::string>() + " A");
}

}  // namespace
}  // namespace beamline::training

namespace beamline::training {
namespace {

TrainingStream mix_stream(const DataOptions& options) {
  const auto tokenizer = tokenizer::Tokenizer::from_json(task_tokenizer_json().dump(), "task tokenizer");
  return TrainingStream(options, tokenizer);
}

TEST(TrainingStream, LookupCurriculumFillsItsShareOfTheFirstSteps) {
  DataOptions options;
  options.weights = default_task_weights(TrainTask::mix);  // no lookups of its own
  options.lookup_curriculum_steps = 10;
  options.lookup_curriculum_share = 0.5;
  const TrainingStream stream = mix_stream(options);
  int during = 0, after = 0;
  for (uint64_t k = 0; k < 400; ++k) {
    during += stream.example(k, 9).kind == "lookup" ? 1 : 0;
    after += stream.example(k, 10).kind == "lookup" ? 1 : 0;
  }
  EXPECT_NEAR(during, 200, 40);  // half, within about 4 standard deviations
  EXPECT_EQ(after, 0);
  // Outside the curriculum's share the draw is the weights' own.
  for (uint64_t k = 0; k < 400; ++k) {
    const auto in = stream.example(k, 9);
    if (in.kind != "lookup") {
      EXPECT_EQ(in.ids, stream.example(k, 10).ids);
    }
  }
}

TEST(TrainingStream, BareLookupsStartWithTheOptions) {
  DataOptions options;
  options.weights = TaskWeights{0, 0, 0, 0, 1};
  options.bare_lookup_share = 1;
  const TrainingStream bare = mix_stream(options);
  options.bare_lookup_share = 0;
  const TrainingStream behind_question = mix_stream(options);
  const auto tokenizer = tokenizer::Tokenizer::from_json(task_tokenizer_json().dump(), "task tokenizer");
  for (uint64_t k = 0; k < 20; ++k) {
    const auto text = [&](const std::vector<int64_t>& ids) {
      return tokenizer.decode(std::vector<int32_t>(ids.begin(), ids.end()), true);
    };
    const std::string b = text(bare.example(k, 0).ids);
    const std::string q = text(behind_question.example(k, 0).ids);
    EXPECT_EQ(b.rfind("options :", 0), 0u) << b;
    EXPECT_NE(b.find(" answer : "), std::string::npos) << b;
    EXPECT_EQ(q.rfind("question : what is", 0), 0u) << q;
    EXPECT_NE(q.find(" which "), std::string::npos) << q;
  }
}

TEST(ModelShape, AttentionBiasAndRopeThetaReachTheConfigAndTheWeights) {
  ModelShape shape;
  shape.vocab_size = task_vocab_size();
  shape.attention_bias = true;
  shape.rope_theta = 5e5;
  const auto config = model_config_json(shape);
  EXPECT_EQ(config["attention_bias"], true);
  EXPECT_DOUBLE_EQ(config["rope_theta"].get<double>(), 5e5);
  int64_t total = 0, biases = 0;
  for (const auto& [name, tensor] : initial_weights(shape)) {
    total += tensor.numel();
    if (name.find("_proj.bias") != std::string::npos) biases += tensor.numel();
  }
  EXPECT_EQ(total, parameter_count(shape));
  EXPECT_EQ(biases, shape.layers * (2 * shape.hidden + 2 * shape.kv_heads * (shape.hidden / shape.heads)));
  ModelShape opt = shape;
  opt.arch = TrainArch::opt;
  EXPECT_THROW(check_shape(opt), Error);
}

}  // namespace
}  // namespace beamline::training
