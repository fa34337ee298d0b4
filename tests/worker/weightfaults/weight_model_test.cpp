// Weight faults on whole (tiny random) models: selections, exact undo of
// every model tensor for fp32, bf16 and emulated fp16, accuracy at p = 0
// equal to the fault-free accuracy, chance level at a large p, determinism,
// and protections attached during the evaluation.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>

#include "common/error.h"
#include "tests/worker/runtime/tiny_models.h"
#include "tests/worker/weightfaults/choice_model.h"
#include "worker/weightfaults/weight_trial.h"

namespace beamline::weightfaults {
namespace {

using fault::FaultModel;
using runtime::testing::ScratchDir;
using runtime::testing::TinySpec;

std::unique_ptr<runtime::LoadedModel> load(const std::string& dir, const std::string& dtype) {
  runtime::LoadOptions options;
  options.run.dtype = modelio::parse_run_dtype(dtype);
  return runtime::LoadedModel::load(dir, options);
}

std::vector<at::Tensor> snapshot(const runtime::LoadedModel& model) {
  std::vector<at::Tensor> copies;
  for (const auto& w : model.model().weights()) copies.push_back(w.tensor.clone());
  return copies;
}

bool same_bits(const at::Tensor& a, const at::Tensor& b) {
  const at::ScalarType words = a.element_size() == 4 ? at::kInt : at::kShort;
  return at::equal(a.view(words), b.view(words));
}

::testing::AssertionResult model_unchanged(const runtime::LoadedModel& model, const std::vector<at::Tensor>& before) {
  const auto& weights = model.model().weights();
  for (size_t i = 0; i < weights.size(); ++i) {
    if (!same_bits(weights[i].tensor, before[i])) return ::testing::AssertionFailure() << weights[i].name << " differs";
  }
  return ::testing::AssertionSuccess();
}

TinySpec llama_spec() {
  TinySpec spec;
  spec.num_layers = 6;
  spec.seed = 21;
  return spec;
}

TinySpec opt_spec() {
  TinySpec spec;
  spec.architecture = "OPTForCausalLM";
  spec.num_layers = 3;
  spec.seed = 22;
  return spec;
}

class ChoiceModel : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new ScratchDir("weightfaults");
    testing::write_letter_model(dir_->sub("llama"), llama_spec());
    testing::write_letter_model(dir_->sub("opt"), opt_spec());
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static std::string model_dir(const std::string& name) { return dir_->sub(name); }
  static ScratchDir* dir_;
};
ScratchDir* ChoiceModel::dir_ = nullptr;

TEST_F(ChoiceModel, SelectionsCoverTheRightTensors) {
  const auto model = load(model_dir("llama"), "float32");
  const auto attention = select_weights(model->model(), parse_components_selection("attention"));
  EXPECT_EQ(attention.size(), 6U * 4);  // q, k, v, o per block
  for (const auto& w : attention) EXPECT_EQ(w.component, modelio::Component::attention) << w.name;

  const auto group = select_weights(model->model(), parse_layer_group("1", 3));  // group 1 of 3 blocks: 3-5
  EXPECT_EQ(group.size(), 3U * 9);
  for (const auto& w : group) {
    const auto block = modelio::parse_block_index(w.name);
    ASSERT_TRUE(block.has_value()) << w.name;
    EXPECT_GE(*block, 3);
    EXPECT_LE(*block, 5);
  }
  const auto first = select_weights(model->model(), parse_layer_group("0-1", 4));
  EXPECT_EQ(first.size(), 2U * 9);  // 4 attention + 3 feed-forward + 2 norms per Llama block
  const auto named = select_weights(model->model(), parse_tensors_selection("lm_head.weight,model.norm.weight"));
  EXPECT_EQ(named.size(), 2U);
  EXPECT_THROW(select_weights(model->model(), parse_tensors_selection("no.such.tensor")), Error);
  EXPECT_THROW(select_weights(model->model(), parse_layer_group("4-9", 4)), Error);
  EXPECT_THROW(parse_components_selection("attention,wings"), Error);
  EXPECT_THROW(parse_layer_group("3-1", 4), Error);

  const auto groups = layer_groups(10, 4);
  ASSERT_EQ(groups.size(), 3U);
  EXPECT_EQ(groups[2].text(), "blocks=8-9");
  EXPECT_EQ(parse_components_selection("attention,feed_forward").text(), "component=attention,feed_forward");
}

TEST_F(ChoiceModel, UndoRestoresEveryTensorForEveryDtypeAndFaultModel) {
  for (const std::string name : {"llama", "opt"}) {
    for (const std::string dtype : {"float32", "bfloat16", "float16"}) {
      const auto model = load(model_dir(name), dtype);
      const auto before = snapshot(*model);
      for (const FaultModel fault : {FaultModel::bit_error_rate, FaultModel::value_uniform01}) {
        SCOPED_TRACE(name + " " + model->dtype_label() + " " + fault::to_string(fault));
        WeightCell cell{name, "none", fault, 0.02, parse_components_selection("embedding,attention,feed_forward,norm,lm_head")};
        const auto targets = fault_targets(*model, cell.selection);
        const FaultPlan plan = draw_trial_faults(cell, 1, 0, targets);
        ASSERT_GT(plan.fault_count, 0U);
        {
          AppliedFaults applied(targets, plan);
          EXPECT_FALSE(model_unchanged(*model, before));
        }
        EXPECT_TRUE(model_unchanged(*model, before));
      }
    }
  }
}

// Emulated fp16 faults keep every faulty value float16-representable (or
// NaN): they flip the float16 encoding, never float32 bits below it.
TEST_F(ChoiceModel, EmulatedFloat16FaultsStayOnTheFloat16Grid) {
  const auto model = load(model_dir("llama"), "float16");
  ASSERT_EQ(model->dtype_label(), "float16-emulated");
  WeightCell cell{"llama", "none", FaultModel::bit_error_rate, 0.01, parse_components_selection("feed_forward")};
  const auto targets = fault_targets(*model, cell.selection);
  ASSERT_EQ(targets.front().encoding, StorageEncoding::fp16_in_fp32);
  AppliedFaults applied(targets, draw_trial_faults(cell, 1, 0, targets));
  for (const auto& t : targets) {
    const at::Tensor finite = t.tensor.masked_select(at::isfinite(t.tensor));
    EXPECT_TRUE(at::equal(finite, finite.to(at::kHalf).to(at::kFloat)));
  }
}

TEST_F(ChoiceModel, RateZeroGivesTheFaultFreeAccuracyAndLargeRatesChance) {
  auto model = load(model_dir("llama"), "float32");
  const auto before = snapshot(*model);
  const auto eval_set = testing::balanced_choice_set(*model, 50, 3);
  const engine::ProtectionSetup none;
  for (const ChoiceScoring scoring : {ChoiceScoring::loglikelihood, ChoiceScoring::generation}) {
    SCOPED_TRACE(to_string(scoring));
    EvalOptions options;
    options.choice_scoring = scoring;
    const EvalSummary clean = evaluate(*model, eval_set, none, options);
    if (scoring == ChoiceScoring::loglikelihood) {
      EXPECT_EQ(clean.correct, clean.inputs);  // the goldens are its answers
    }
    WeightCell cell{"llama", "balanced", FaultModel::value_uniform01, 0.0,
                    parse_components_selection("attention,feed_forward")};
    const WeightTrialResult zero = run_weight_trial(*model, eval_set, cell, 1, 0, none, options);
    EXPECT_EQ(zero.fault_count, 0U);
    EXPECT_EQ(zero.eval.correct, clean.correct);
    EXPECT_EQ(zero.eval.non_finite, 0);
    for (size_t i = 0; i < eval_set.size(); ++i) EXPECT_EQ(zero.eval.verdicts[i].output, clean.verdicts[i].output);
    std::cout << "[ acc     ] " << to_string(scoring) << ": fault-free " << clean.accuracy() << ", p=0 "
              << zero.eval.accuracy() << "\n";
  }

  // Large p: every weight of the blocks replaced with probability 1/2. The
  // golden letters are balanced, so chance is 1/4; 200 questions put 4
  // standard errors at +-0.12.
  EvalOptions loglik;
  loglik.choice_scoring = ChoiceScoring::loglikelihood;
  WeightCell cell{"llama", "balanced", FaultModel::value_uniform01, 0.5,
                  parse_components_selection("attention,feed_forward,norm")};
  double mean_accuracy = 0;
  constexpr int kTrials = 4;
  for (uint64_t trial = 0; trial < kTrials; ++trial) {
    const WeightTrialResult r = run_weight_trial(*model, eval_set, cell, 1, trial, none, loglik);
    std::cout << "[ acc     ] value_uniform01 p=0.5 trial " << trial << ": accuracy " << r.eval.accuracy()
              << ", faults " << r.fault_count << " of " << r.population << ", non-finite " << r.eval.non_finite
              << "\n";
    mean_accuracy += r.eval.accuracy() / kTrials;
  }
  const double sigma = std::sqrt(0.25 * 0.75 / (kTrials * static_cast<double>(eval_set.size())));
  EXPECT_NEAR(mean_accuracy, 0.25, 4 * sigma);

  // bit_error_rate at p = 0.01 makes NaN weights (the seed's 6.1): outputs
  // turn non-finite and count as wrong.
  WeightCell flips{"llama", "balanced", FaultModel::bit_error_rate, 0.01, parse_components_selection("attention")};
  const WeightTrialResult broken = run_weight_trial(*model, eval_set, flips, 1, 0, none, loglik);
  std::cout << "[ acc     ] bit_error_rate p=0.01 attention: accuracy " << broken.eval.accuracy() << ", non-finite "
            << broken.eval.non_finite << " of " << broken.eval.inputs << "\n";
  EXPECT_GT(broken.eval.non_finite, 0);
  EXPECT_LE(broken.eval.correct, broken.eval.inputs - broken.eval.non_finite);
  EXPECT_TRUE(model_unchanged(*model, before));
}

TEST_F(ChoiceModel, SameTrialSameFaultsAndResults) {
  auto model = load(model_dir("opt"), "float32");
  const auto eval_set = testing::balanced_choice_set(*model, 5, 4);
  EvalOptions options;
  options.choice_scoring = ChoiceScoring::loglikelihood;
  WeightCell cell{"opt", "balanced", FaultModel::bit_error_rate, 1e-4, parse_layer_group("0-1", 4)};
  const auto targets = fault_targets(*model, cell.selection);
  const FaultPlan a = draw_trial_faults(cell, 42, 7, targets);
  const FaultPlan b = draw_trial_faults(cell, 42, 7, targets);
  const FaultPlan other_seed = draw_trial_faults(cell, 43, 7, targets);
  ASSERT_EQ(a.faults.size(), b.faults.size());
  for (size_t i = 0; i < a.faults.size(); ++i) {
    EXPECT_EQ(a.faults[i].element, b.faults[i].element);
    EXPECT_EQ(a.faults[i].bits, b.faults[i].bits);
  }
  bool differs = a.faults.size() != other_seed.faults.size();
  for (size_t i = 0; !differs && i < a.faults.size(); ++i) differs = a.faults[i].element != other_seed.faults[i].element;
  EXPECT_TRUE(differs);

  const engine::ProtectionSetup none;
  const WeightTrialResult first = run_weight_trial(*model, eval_set, cell, 42, 7, none, options);
  const WeightTrialResult again = run_weight_trial(*model, eval_set, cell, 42, 7, none, options);
  EXPECT_EQ(first.fault_count, a.fault_count);
  EXPECT_EQ(first.fault_count, again.fault_count);
  EXPECT_EQ(first.eval.correct, again.eval.correct);
  for (size_t i = 0; i < eval_set.size(); ++i) EXPECT_EQ(first.eval.verdicts[i].output, again.eval.verdicts[i].output);
  EXPECT_EQ(cell.key(), "weight|model=opt|dataset=balanced|fault=bit_error_rate|rate=0.0001|selection=blocks=0-1");
}

// A protection's hooks run during the evaluation: ft2 corrects the huge
// values exponent flips make once generation passes the first token.
TEST_F(ChoiceModel, ProtectionsRunDuringTheEvaluation) {
  auto model = load(model_dir("llama"), "float32");
  auto eval_set = testing::balanced_choice_set(*model, 5, 5);
  for (auto& input : eval_set) input.max_new_tokens = 4;
  EvalOptions options;  // generation, so ft2 has steps after its first token
  engine::ProtectionSetup ft2;
  ft2.options.kind = protection::ProtectionKind::ft2;
  WeightCell cell{"llama", "balanced", FaultModel::value_uniform01, 0.05, parse_components_selection("feed_forward")};
  const WeightTrialResult guarded = run_weight_trial(*model, eval_set, cell, 1, 0, ft2, options);
  const WeightTrialResult bare = run_weight_trial(*model, eval_set, cell, 1, 0, engine::ProtectionSetup{}, options);
  EXPECT_EQ(guarded.fault_count, bare.fault_count);  // the protection is not in the key
  EXPECT_EQ(bare.eval.corrections, 0);
  std::cout << "[ protect ] ft2 corrections " << guarded.eval.corrections << ", accuracy " << guarded.eval.accuracy()
            << " vs unprotected " << bare.eval.accuracy() << "\n";
  EXPECT_GT(guarded.eval.corrections, 0);
}

}  // namespace
}  // namespace beamline::weightfaults
