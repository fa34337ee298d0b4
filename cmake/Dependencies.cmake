# Every external dependency is a Debian package installed by scripts/setup.sh.
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
find_package(nlohmann_json REQUIRED)
find_package(CLI11 REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(GTest REQUIRED)
pkg_check_modules(PCRE2 REQUIRED IMPORTED_TARGET libpcre2-8)
pkg_check_modules(UTF8PROC REQUIRED IMPORTED_TARGET libutf8proc)

# LibTorch: Debian's CPU build by default; point Torch_DIR at an official CUDA
# LibTorch to build for GPUs. TorchConfig's flags carry the ABI setting.
find_package(Torch REQUIRED)
add_library(beamline_torch INTERFACE)
target_link_libraries(beamline_torch INTERFACE ${TORCH_LIBRARIES})
target_include_directories(beamline_torch SYSTEM INTERFACE ${TORCH_INCLUDE_DIRS})
separate_arguments(_torch_flags UNIX_COMMAND "${TORCH_CXX_FLAGS}")
target_compile_options(beamline_torch INTERFACE ${_torch_flags})

# libsodium: SHA-256 digests of prompts and of model/data files (manifests).
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
