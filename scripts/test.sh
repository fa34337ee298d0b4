#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, runs every
# ctest (labels unit, integration, slow). Extra arguments go to ctest,
# e.g. `scripts/test.sh -L unit`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-$root/build}"
"$root/scripts/build.sh"
cd "$build"
ctest --output-on-failure -j 2 "$@"
