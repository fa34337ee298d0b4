#pragma once
// Where a transient (activation) fault lands: one element of one hook
// point's output at one generation step, and the bits flipped there.
//
// The element index runs over everything that step computes at that hook
// point for one sequence: position-major, index = position * width + feature,
// positions counted within the step (the whole prompt at step 0, the prefill;
// one position at each later step).
//
// Text form, as stored and as given to `beamline trial --site`:
//   step=3,block=1,layer=v_proj,index=1234,bits=30
// with several bits joined by '+' (bits=3+30; "bits=3,30" is accepted too).
#include <cstdint>
#include <string>
#include <string_view>

namespace beamline::sites {

struct ActivationSite {
  int64_t step = 0;
  int64_t block = 0;
  std::string layer;  // hook point name: q_proj, ..., down_proj, fc1, fc2, act
  int64_t index = 0;
  std::uint32_t bits = 0;  // mask in the run dtype's bit numbering (bit 0 = lowest mantissa bit)

  bool operator==(const ActivationSite& other) const;
};

std::string format_site(const ActivationSite& site);
// Throws beamline::Error naming the field that is missing or malformed.
ActivationSite parse_site(std::string_view text);

}  // namespace beamline::sites
