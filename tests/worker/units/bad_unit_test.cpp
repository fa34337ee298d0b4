// Units that cannot run: a clear beamline::Error naming the unit and what is
// wrong, and the runner still runs the next good unit.
#include <gtest/gtest.h>

#include <functional>

#include "common/campaign/trial_plan.h"
#include "common/error.h"
#include "tests/worker/units/units_world.h"
#include "worker/units/model_runner.h"

namespace beamline::units::testing {
namespace {

const std::string kFirst = "inputs = 3\nselection = \"first\"\nmax_new_tokens = 6\n";
const std::string kSingleBit = "[[fault]]\nmodel = \"single_bit\"\n";

wire::WorkUnit good_unit() { return make_unit(campaign_text(kFirst, kSingleBit), 0, {1, 0, 2}, 42); }

// The message of the Error running `unit` throws ("" if none).
std::string error_of(UnitRunner& runner, const wire::WorkUnit& unit) {
  try {
    run_unit(runner, unit);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

void expect_error(UnitRunner& runner, const wire::WorkUnit& unit, const std::vector<std::string>& parts) {
  const std::string message = error_of(runner, unit);
  ASSERT_FALSE(message.empty()) << "no error";
  for (const auto& part : parts) EXPECT_NE(message.find(part), std::string::npos) << message;
}

TEST(BadUnit, ClearErrorsAndTheRunnerCarriesOn) {
  ModelRunner runner(runner_options());
  const struct {
    const char* what;
    std::function<void(wire::WorkUnit&)> change;
    std::vector<std::string> parts;
  } cases[] = {
      {"missing model", [](wire::WorkUnit& u) { u.mutable_model()->set_path("no_such_model"); },
       {"unit 42", "no_such_model"}},
      {"missing dataset", [](wire::WorkUnit& u) { u.mutable_dataset()->set_path("missing.jsonl"); },
       {"unit 42", "missing.jsonl"}},
      {"input past the inputs", [](wire::WorkUnit& u) { u.set_input_index(3); }, {"input 3", "inputs 0..2"}},
      {"weight input on a transient unit", [](wire::WorkUnit& u) { u.set_input_index(-1); }, {"input -1"}},
      {"reversed range", [](wire::WorkUnit& u) { u.set_trial_end(0); u.set_trial_begin(5); },
       {"ends before it begins"}},
      {"bad targets", [](wire::WorkUnit& u) { u.mutable_fault()->set_targets("layers=wings"); }, {"wings"}},
      {"site key disagrees", [](wire::WorkUnit& u) { u.mutable_model()->set_name("other"); },
       {"does not match", "model=other"}},
      {"unknown fault", [](wire::WorkUnit& u) { u.mutable_fault()->set_model("triple_bit"); }, {"triple_bit"}},
      {"offline bounds missing", [](wire::WorkUnit& u) { u.mutable_protection()->set_kind("ranger"); },
       {"ranger", "bounds"}},
      {"bad selection rule", [](wire::WorkUnit& u) { u.mutable_dataset()->set_selection("best"); }, {"best"}},
      {"unknown task", [](wire::WorkUnit& u) { u.mutable_dataset()->set_task("poetry"); }, {"poetry"}},
      {"not an hf unit", [](wire::WorkUnit& u) { u.mutable_model()->set_kind("onnx"); }, {"onnx"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    wire::WorkUnit unit = good_unit();
    c.change(unit);
    expect_error(runner, unit, c.parts);
  }
  EXPECT_EQ(run_unit(runner, good_unit()).trials().size(), 2u);
}

TEST(BadUnit, TooFewCorrectInputsNamesTheDataset) {
  ModelRunner runner(runner_options());
  const std::string campaign = campaign_text("task = \"exact\"\ninputs = 11\nmax_new_tokens = 6\n", kSingleBit);
  expect_error(runner, make_unit(campaign, 0, {10, 0, 1}),
               {"rows.jsonl", "needs 11 inputs", "golden_correct", "task exact"});
}

TEST(BadUnit, WeightUnitErrors) {
  ModelRunner runner(runner_options());
  const std::string campaign = campaign_text(
      kFirst, "[[fault]]\nmodel = \"bit_error_rate\"\nrates = [0.01]\ntensors = [\"no.such.weight\"]\n");
  expect_error(runner, make_unit(campaign, 0, {campaign::kEveryInput, 0, 1}), {"no.such.weight"});
  wire::WorkUnit unit = make_unit(campaign, 0, {0, 0, 1});
  expect_error(runner, unit, {"input 0", "weight-fault unit evaluates every input"});
  unit.set_input_index(-1);
  unit.mutable_fault()->set_selection("component=wings");
  expect_error(runner, unit, {"weight selection 'component=wings'"});
}

}  // namespace
}  // namespace beamline::units::testing
