// The generate and model-info subcommands, run as the beamline binary.
#include <gtest/gtest.h>

#include <string>

#include "tests/support/cli_runner.h"
#include "tests/worker/runtime/test_support.h"
#include "worker/runtime/generate.h"

namespace beamline::runtime::testing {
namespace {

using beamline::testing::CommandRun;
using beamline::testing::last_line;

using beamline::testing::run_beamline;

std::string join(const std::vector<int64_t>& ids) {
  std::string out;
  for (int64_t id : ids) out += (out.empty() ? "" : " ") + std::to_string(id);
  return out;
}

TEST(GenerateCommand, PrintsTheGeneratedIdsOnTheLastLine) {
  TinySpec spec;
  spec.num_kv_heads = 2;
  TinyModel tiny(spec);
  GenerateOptions options;
  options.max_new_tokens = 6;
  const GenerateResult expected = generate(tiny.model(), {{1, 7, 9, 12}}, options);

  const CommandRun run = run_beamline("generate --model " + tiny.dir->path() +
                                   " --prompt-ids \"1 7 9 12\" --max-new-tokens 6 --print ids");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(last_line(run.out), join(expected.tokens[0]));
  EXPECT_NE(run.err.find("float32"), std::string::npos) << run.err;
}

TEST(GenerateCommand, TextPromptIsTokenizedAndContinuationDecoded) {
  TinySpec spec;
  TinyModel tiny(spec);
  GenerateOptions options;
  options.max_new_tokens = 4;
  // WordLevel, no post-processor: "w5 w6 w7" -> 5 6 7.
  const GenerateResult expected = generate(tiny.model(), {{5, 6, 7}}, options);
  const CommandRun run = run_beamline("generate --model " + tiny.dir->path() + " --prompt 'w5 w6 w7' --max-new-tokens 4");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(last_line(run.out), tiny.loaded->decode(expected.tokens[0], true));
}

TEST(GenerateCommand, Float16IsNamedAsEmulated) {
  TinySpec spec;
  spec.architecture = "OPTForCausalLM";
  spec.tie_word_embeddings = true;
  TinyModel tiny(spec);
  const CommandRun run = run_beamline("generate --model " + tiny.dir->path() +
                                   " --prompt-ids '3 4 5' --max-new-tokens 3 --dtype float16 --print ids");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("float16-emulated"), std::string::npos) << run.err;
  EXPECT_FALSE(last_line(run.out).empty());
}

TEST(GenerateCommand, IdOutsideTheVocabularyIsAnError) {
  TinySpec spec;
  TinyModel tiny(spec);
  const CommandRun run = run_beamline("generate --model " + tiny.dir->path() + " --prompt-ids '3 4 1000' --print ids");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("1000"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("64"), std::string::npos) << run.err;
  const CommandRun both = run_beamline("generate --model " + tiny.dir->path() + " --prompt x --prompt-ids 3");
  EXPECT_NE(both.exit_code, 0);
}

TEST(ModelInfoCommand, PrintsArchitectureParametersAndHookPoints) {
  TinySpec spec;
  spec.num_kv_heads = 2;
  spec.num_layers = 2;
  TinyModel tiny(spec);
  const CommandRun run = run_beamline("model-info " + tiny.dir->path());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string& out = run.out;
  EXPECT_NE(out.find("architecture: LlamaForCausalLM"), std::string::npos) << out;
  EXPECT_NE(out.find("num_key_value_heads: 2"), std::string::npos) << out;
  // embed 64*32; per layer: q 32*32 + k,v 2*(16*32) + o 32*32 = 3072; mlp 3*48*32 = 4608; norms 2*32.
  EXPECT_NE(out.find("embedding     2048"), std::string::npos) << out;
  EXPECT_NE(out.find("attention     6144"), std::string::npos) << out;
  EXPECT_NE(out.find("feed_forward  9216"), std::string::npos) << out;
  EXPECT_NE(out.find("norm          160"), std::string::npos) << out;
  EXPECT_NE(out.find("lm_head       2048"), std::string::npos) << out;
  EXPECT_NE(out.find("hook points: 16"), std::string::npos) << out;
  EXPECT_NE(out.find("1.down_proj"), std::string::npos) << out;
  EXPECT_NE(out.find("0.act"), std::string::npos) << out;
  EXPECT_NE(out.find("critical layers (FT2 heuristic): v_proj o_proj up_proj down_proj\n"), std::string::npos) << out;
}

TEST(ModelInfoCommand, OptReportsOutProjAsOProjAndTiedHead) {
  TinySpec spec;
  spec.architecture = "OPTForCausalLM";
  spec.tie_word_embeddings = true;
  TinyModel tiny(spec);
  const CommandRun run = run_beamline("model-info " + tiny.dir->path());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("architecture: OPTForCausalLM"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("0.o_proj"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("1.fc2"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("out_proj"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("tied"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("critical layers (FT2 heuristic): v_proj o_proj fc2\n"), std::string::npos) << run.out;
}

}  // namespace
}  // namespace beamline::runtime::testing
