#include "worker/protection/critical_layers.h"

#include <gtest/gtest.h>

#include "common/error.h"
#include "worker/protection/protection_kind.h"

namespace beamline::protection {
namespace {

using modelio::ArchitectureFamily;
using runtime::LayerKind;

// The critical sets of the FT2 study (Table 1), derived, not listed.
TEST(CriticalLayers, HeuristicGivesTheStudysSets) {
  EXPECT_EQ(critical_layer_kinds(ArchitectureFamily::llama),
            (std::vector<LayerKind>{LayerKind::v_proj, LayerKind::o_proj, LayerKind::up_proj, LayerKind::down_proj}));
  EXPECT_EQ(critical_layer_kinds(ArchitectureFamily::opt),
            (std::vector<LayerKind>{LayerKind::v_proj, LayerKind::o_proj, LayerKind::fc2}));
}

TEST(ProtectionKinds, GuardTheLayersTheirPapersName) {
  EXPECT_EQ(protected_layer_kinds(ProtectionKind::ranger, ArchitectureFamily::llama),
            std::vector<LayerKind>{LayerKind::act});
  EXPECT_EQ(protected_layer_kinds(ProtectionKind::maximals, ArchitectureFamily::llama),
            (std::vector<LayerKind>{LayerKind::o_proj, LayerKind::down_proj}));
  EXPECT_EQ(protected_layer_kinds(ProtectionKind::maximals, ArchitectureFamily::opt),
            (std::vector<LayerKind>{LayerKind::o_proj, LayerKind::fc2}));
  EXPECT_EQ(protected_layer_kinds(ProtectionKind::global_clipper, ArchitectureFamily::opt),
            (std::vector<LayerKind>{LayerKind::v_proj, LayerKind::o_proj}));
  EXPECT_EQ(protected_layer_kinds(ProtectionKind::ft2_offline, ArchitectureFamily::opt),
            critical_layer_kinds(ArchitectureFamily::opt));
  EXPECT_TRUE(protected_layer_kinds(ProtectionKind::none, ArchitectureFamily::opt).empty());
  EXPECT_EQ(parse_protection_kind("global_clipper"), ProtectionKind::global_clipper);
  EXPECT_THROW(parse_protection_kind("tmr"), Error);
}

}  // namespace
}  // namespace beamline::protection
