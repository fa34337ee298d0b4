// make_unit_runner: synthetic units go to the synthetic runner (no model),
// hf units to the LibTorch runner, anything else is a clear error.
#include <gtest/gtest.h>

#include "common/campaign/trial_plan.h"
#include "common/error.h"
#include "tests/worker/units/units_world.h"

namespace beamline::units::testing {
namespace {

TEST(MakeUnitRunner, DispatchesByModelKind) {
  const auto runner = make_unit_runner(runner_options());
  wire::WorkUnit synthetic;
  synthetic.set_unit_id(9);
  synthetic.set_cell_id(3);
  synthetic.set_seed(1);
  synthetic.set_site_key("transient|model=s|dataset=d|fault=single_bit|sampling=compute|targets=all");
  synthetic.set_cell_key(synthetic.site_key() + "|protection=none");
  synthetic.mutable_model()->set_name("s");
  synthetic.mutable_model()->set_kind("synthetic");
  synthetic.mutable_model()->set_synthetic_sdc_rate(0.5);
  synthetic.mutable_dataset()->set_name("d");
  synthetic.mutable_dataset()->set_inputs(1);
  synthetic.mutable_fault()->set_model("single_bit");
  synthetic.mutable_protection()->set_kind("none");
  synthetic.set_input_index(0);
  synthetic.set_trial_begin(0);
  synthetic.set_trial_end(50);
  const auto trials = run_unit(*runner, synthetic).trials();
  ASSERT_EQ(trials.size(), 50u);
  for (size_t i = 0; i < trials.size(); ++i) EXPECT_EQ(trials[i].trial_index(), i);

  const std::string campaign = campaign_text("inputs = 1\nselection = \"first\"\nmax_new_tokens = 6\n",
                                             "[[fault]]\nmodel = \"none\"\n");
  const auto real = run_unit(*runner, make_unit(campaign, 0, {0, 0, 4})).trials();
  ASSERT_EQ(real.size(), 4u);
  for (const auto& t : real) EXPECT_EQ(t.outcome(), wire::MASKED_IDENTICAL);  // the null fault

  wire::WorkUnit odd = synthetic;
  odd.mutable_model()->set_kind("onnx");
  EXPECT_THROW(run_unit(*runner, odd), Error);
}

}  // namespace
}  // namespace beamline::units::testing
