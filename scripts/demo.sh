#!/usr/bin/env bash
# The README's main job on the bundled default: installs what is missing,
# builds, then runs the quickstart campaign (examples/quickstart.toml:
# single-bit flips in both bundled tiny models on their qa, math and choice
# sets, unprotected and with FT2, plus the null fault) with a local
# coordinator and two workers, and prints its report.
#
# The campaign database is a fresh build/demo/quickstart.db each time, so
# the demo always runs the campaign; query it afterwards with
#   sqlite3 build/demo/quickstart.db 'SELECT * FROM cell_rates'
# CAMPAIGN, WORKERS and DB select another campaign, worker count or database
# (an existing DB is resumed, never deleted).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-$root/build}"
campaign="${CAMPAIGN:-$root/examples/quickstart.toml}"
workers="${WORKERS:-2}"

"$root/scripts/build.sh"
beamline="$build/app/beamline"

db="${DB:-}"
if [ -z "$db" ]; then
  mkdir -p "$build/demo"
  db="$build/demo/$(basename "${campaign%.toml}").db"
  rm -f "$db" "$db-wal" "$db-shm"
fi

echo "== campaign $campaign, $workers workers, database $db" >&2
"$beamline" run "$campaign" --workers "$workers" --db "$db"
echo >&2
echo "== the results are in $db (docs/sql.md shows the SQL views; beamline report $db --by layer|bit|step|protection)" >&2
