#include "worker/modelio/run_options.h"

#include "common/error.h"

namespace beamline::modelio {

RunDtype parse_run_dtype(const std::string& text) {
  if (text == "float32") return RunDtype::float32;
  if (text == "bfloat16") return RunDtype::bfloat16;
  if (text == "float16") return RunDtype::float16;
  throw Error("--dtype: \"" + text + "\" is not a run dtype (expected float32, bfloat16 or float16)");
}

std::string to_string(RunDtype dtype) {
  switch (dtype) {
    case RunDtype::float32: return "float32";
    case RunDtype::bfloat16: return "bfloat16";
    case RunDtype::float16: return "float16";
  }
  return "float32";  // unreachable: every enumerator is handled above
}

std::string dtype_label(const RunOptions& options) {
  return is_emulated_float16(options) ? "float16-emulated" : to_string(options.dtype);
}

}  // namespace beamline::modelio
