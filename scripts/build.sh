#!/usr/bin/env bash
# Installs missing packages, configures and builds into build/ (or $BUILD_DIR).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-$root/build}"
"$root/scripts/setup.sh"
if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
# Two jobs: LibTorch translation units need ~1.5 GiB each, and the machine
# has two cores. --quiet keeps ninja to warnings and errors.
cmake --build "$build" -j "${BUILD_JOBS:-2}" -- --quiet
