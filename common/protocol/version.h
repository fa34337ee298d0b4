#pragma once
// The protocol version this build speaks. A hello with another version is
// refused with a Shutdown(REFUSED) naming both, never crashed on.
#include <cstdint>

#include "schema/beamline.pb.h"

namespace beamline::protocol {

inline constexpr std::uint32_t kProtocolVersion = 1;
static_assert(kProtocolVersion == static_cast<std::uint32_t>(wire::PROTOCOL_VERSION_CURRENT),
              "common/protocol/version.h and schema/beamline.proto disagree on the protocol version");

}  // namespace beamline::protocol
