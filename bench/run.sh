#!/usr/bin/env bash
# Runs every benchmark; each prints lines "ratio NAME VALUE" measured side by
# side in one run. --quick shortens each one (under a minute in all).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-$root/build}"
"$root/scripts/build.sh"
quick=()
[ "${1:-}" = "--quick" ] && quick=(--quick)
echo "== generate: tokens/s at batch 1 and 32"
"$build/bench/generate_bench" "${quick[@]}"
echo "== engine: trials/s of the trial engine vs one generation per trial, outcome agreement"
"$build/bench/engine_bench" "${quick[@]}"
echo "== protection: golden generation with ft2 vs none"
"$build/bench/protection_bench" "${quick[@]}"
echo "== orchestration: coordinator results/s vs raw SQLite inserts (examples/synthetic.toml, 4 workers)"
"$build/bench/orchestration_bench" "${quick[@]}"
echo "== pipelining: worker units/s with the prefetch thread vs without (examples/quickstart.toml units)"
"$build/bench/pipeline_bench" "${quick[@]}"
