#include <gtest/gtest.h>

#include "common/protocol/frame_codec.h"
#include "common/protocol/version.h"
#include "common/protocol/wire_outcome.h"

namespace beamline::protocol {
namespace {

TEST(Protocol, VersionConstantMatchesTheSchema) {
  EXPECT_EQ(kProtocolVersion, 1u);
  EXPECT_EQ(kProtocolVersion, static_cast<uint32_t>(wire::PROTOCOL_VERSION_CURRENT));
}

TEST(Protocol, ResultsRoundTrip) {
  wire::WorkerMessage message;
  auto* results = message.mutable_results();
  results->set_unit_id(17);
  results->set_batch_seq(3);
  auto* trial = results->add_trials();
  trial->set_cell_id(4);
  trial->set_trial_index(99);
  trial->set_outcome(to_wire(campaign::Outcome::sdc));
  trial->set_site("step=3,block=1,layer=v_proj,index=1234,bits=30");
  trial->set_first_divergence_step(3);
  trial->set_accuracy(0.75);

  const auto decoded = decode_worker_message(encode(message));
  ASSERT_TRUE(decoded) << decoded.error;
  ASSERT_TRUE(decoded.message->has_results());
  const auto& back = decoded.message->results().trials(0);
  EXPECT_EQ(back.trial_index(), 99u);
  EXPECT_EQ(from_wire(back.outcome()), campaign::Outcome::sdc);
  EXPECT_EQ(back.site(), trial->site());
  EXPECT_TRUE(back.has_accuracy());
  EXPECT_FALSE(back.has_non_finite());  // optional: absent stays absent
}

TEST(Protocol, AssignRoundTrip) {
  wire::CoordinatorMessage message;
  auto* unit = message.mutable_assign()->add_units();
  unit->set_unit_id(5);
  unit->set_site_key("transient|model=m|dataset=d|fault=single_bit|sampling=compute|targets=all");
  unit->mutable_model()->set_kind("synthetic");
  unit->mutable_protection()->set_kind("ft2");
  unit->set_input_index(-1);
  const auto decoded = decode_coordinator_message(encode(message));
  ASSERT_TRUE(decoded) << decoded.error;
  EXPECT_EQ(decoded.message->assign().units(0).input_index(), -1);
  EXPECT_EQ(decoded.message->assign().units(0).protection().kind(), "ft2");
}

TEST(Protocol, BadFramesAreErrorValues) {
  const auto garbage = decode_worker_message(std::string("\xff\xff\xff\xff garbage", 12));
  EXPECT_FALSE(garbage);
  EXPECT_EQ(garbage.problem, FrameProblem::malformed);
  EXPECT_EQ(decode_worker_message("").error, "frame carries no known message");
  EXPECT_EQ(decode_worker_message("").problem, FrameProblem::unknown_message);
  wire::WorkerMessage hello;
  hello.mutable_hello()->set_worker_id(std::string(100, 'w'));
  const auto too_big = decode_worker_message(encode(hello), 50);
  EXPECT_FALSE(too_big);
  EXPECT_EQ(too_big.problem, FrameProblem::oversized);
  EXPECT_NE(too_big.error.find("exceeds"), std::string::npos);
  EXPECT_FALSE(from_wire(wire::OUTCOME_UNSPECIFIED).has_value());
}

TEST(Protocol, UnknownMessageTypesAndTruncatedFramesAreTold) {
  // Field 99 (varint 1): what a newer peer's new message type looks like.
  const auto unknown = decode_worker_message(std::string("\x98\x06\x01", 3));
  EXPECT_FALSE(unknown);
  EXPECT_EQ(unknown.problem, FrameProblem::unknown_message);
  EXPECT_EQ(decode_coordinator_message(std::string("\x98\x06\x01", 3)).problem, FrameProblem::unknown_message);
  // A results frame cut inside its trials.
  wire::WorkerMessage message;
  auto* trial = message.mutable_results()->add_trials();
  trial->set_site(std::string(64, 's'));
  const std::string frame = encode(message);
  const auto truncated = decode_worker_message(std::string_view(frame).substr(0, frame.size() / 2));
  EXPECT_FALSE(truncated);
  EXPECT_EQ(truncated.problem, FrameProblem::malformed);
  // The socket limit leaves room for the codec to see and report big frames.
  EXPECT_GT(kMaxSocketMessageBytes, kMaxFrameBytes);
}

}  // namespace
}  // namespace beamline::protocol

#include "common/campaign/campaign_parser.h"
#include "common/protocol/work_unit.h"

namespace beamline::protocol {
namespace {

TEST(Protocol, WorkUnitCarriesTheWholeCell) {
  const auto spec = campaign::parse_campaign(campaign::campaign_source_from_text("w.toml", R"(
[campaign]
name = "w"
seed = 11
[[model]]
name = "m"
path = "models/m"
dtype = "bfloat16"
[[dataset]]
name = "qa"
path = "qa.jsonl"
task = "qa"
inputs = 3
[[fault]]
model = "exponent_bit"
[sites]
targets = ["layers=v_proj"]
[[protection]]
kind = "ranger"
bounds = "b/{model}.bounds"
[budget]
trials_per_input = 4
)"));
  const auto cells = campaign::expand_cells(spec);
  ASSERT_EQ(cells.size(), 1u);
  const auto unit = make_work_unit(spec, cells[0], 7, 1, campaign::TrialRange{2, 8, 12}, 30000);
  EXPECT_EQ(unit.seed(), 11u);
  EXPECT_EQ(unit.site_key(), cells[0].site_key);
  EXPECT_EQ(unit.model().dtype(), "bfloat16");
  EXPECT_EQ(unit.dataset().selection(), "golden_correct");
  EXPECT_EQ(unit.fault().targets(), "layers=v_proj");
  EXPECT_EQ(unit.protection().bounds(), "b/m.bounds");
  EXPECT_EQ(unit.input_index(), 2);
  EXPECT_EQ(unit.trial_end(), 12u);
}

}  // namespace
}  // namespace beamline::protocol
