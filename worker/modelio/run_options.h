#pragma once
// How a model is run: dtype and device, chosen at load time. The only place
// that turns user strings into LibTorch dtypes/devices is device.cpp, so CPU
// vs CUDA handling stays in one place.
#include <string>

namespace beamline::modelio {

enum class RunDtype { float32, bfloat16, float16 };

struct RunOptions {
  RunDtype dtype = RunDtype::float32;
  std::string device = "cpu";  // "cpu" or "cuda:N"
};

RunDtype parse_run_dtype(const std::string& text);  // throws beamline::Error
std::string to_string(RunDtype dtype);

// float16 on a CPU is emulated: LibTorch 1.13 has no CPU half matmul, so the
// model computes in float32 and rounds every hook-point output to float16
// (DESIGN.md "Half precision"). Results must say so.
bool is_emulated_float16(const RunOptions& options);

// Validates both strings (device syntax only; whether CUDA is present is
// checked by resolve_placement() in device.h). Throws beamline::Error.
RunOptions parse_run_options(const std::string& dtype_text, const std::string& device_text);

// How results name the dtype: "float32", "bfloat16", "float16", or
// "float16-emulated" for float16 on a CPU, so emulated runs are never mistaken
// for native ones.
std::string dtype_label(const RunOptions& options);

}  // namespace beamline::modelio
