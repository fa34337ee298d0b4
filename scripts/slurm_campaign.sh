#!/usr/bin/env bash
# A beamline campaign on a SLURM allocation: the coordinator on the first
# node, one worker per GPU on every node (docs/orchestration.md).
#   sbatch --nodes=4 --gpus-per-node=4 scripts/slurm_campaign.sh study.toml study.db
# Submit again after a time-out: the coordinator resumes the same database.
#SBATCH --job-name=beamline
#SBATCH --ntasks-per-node=1
#SBATCH --time=24:00:00
set -euo pipefail
campaign="${1:?usage: slurm_campaign.sh CAMPAIGN.toml DB [MODEL_ROOT]}"
db="${2:?usage: slurm_campaign.sh CAMPAIGN.toml DB [MODEL_ROOT]}"
model_root="${3:-$PWD}"          # the campaign root as the nodes see it
beamline="${BEAMLINE:-beamline}"
gpus="${SLURM_GPUS_PER_NODE:-1}"
endpoint_file="$db.endpoint"     # on a file system every node sees
rm -f "$endpoint_file"

# The coordinator: on this (the first) node, a free port, address published.
"$beamline" --log-level info coordinator --campaign "$campaign" --db "$db" \
  --bind "tcp://$(hostname -f):*" --endpoint-file "$endpoint_file" &
coordinator=$!
trap 'kill -TERM $coordinator 2>/dev/null || true' TERM INT
while [ ! -s "$endpoint_file" ]; do
  kill -0 $coordinator 2>/dev/null || { echo "coordinator failed to start" >&2; exit 1; }
  sleep 1
done
endpoint="$(cat "$endpoint_file")"
echo "coordinator at $endpoint"

# One worker per GPU on every node; ids are stable across resubmissions.
srun --ntasks-per-node=1 bash -c '
  for g in $(seq 0 $(('"$gpus"' - 1))); do
    "'"$beamline"'" worker --connect "'"$endpoint"'" --device "cuda:$g" \
      --id "$(hostname -s)/cuda:$g" --model-root "'"$model_root"'" &
  done
  wait' &
workers=$!

wait $coordinator   # 0 once the campaign is complete (workers are told to stop)
status=$?
wait $workers || true
exit $status
