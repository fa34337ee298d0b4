#!/usr/bin/env bash
# The README's main job on the bundled default: installs what is missing,
# builds, then shows the model answering held-out questions and a small
# fault-injection study on one of them (exponent-bit flips, unprotected vs
# FT2). Until the campaign subcommands land (`beamline run`), the study is
# a few `beamline trial --count` runs summarised here.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-$root/build}"
# The first bundled model present, unless MODEL names another.
model="${MODEL:-}"
if [ -z "$model" ]; then
  for candidate in "$root/models/tiny-llama" "$root/models/tiny-opt"; do
    if [ -f "$candidate/config.json" ]; then model="$candidate"; break; fi
  done
fi
trials="${TRIALS:-100}"

"$root/scripts/build.sh"
beamline="$build/app/beamline"
dataset="$(ls "$root"/data/*qa*.jsonl 2>/dev/null | head -n 1 || true)"
if [ -z "$model" ] || [ ! -f "$model/config.json" ] || [ -z "$dataset" ]; then
  echo "demo: no bundled model under models/ (or no data/*qa*.jsonl set)" >&2
  exit 1
fi

echo "== model: $model"
"$beamline" model-info "$model" | grep -E '^(architecture|hidden_size|num_hidden_layers|critical layers)'
grep -E '^  (total)' <("$beamline" model-info "$model") || true

echo
echo "== fault-free accuracy on the first 50 held-out inputs of $(basename "$dataset")"
shown="$("$beamline" eval --model "$model" --dataset "$dataset" --limit 50 --show 2>/dev/null)"
grep -vE ' (ok|WRONG): ' <<<"$shown"
# Like a campaign, study an input the fault-free model answers correctly.
correct_line="$(grep -nE ' (ok|WRONG): ' <<<"$shown" | grep -m1 ' ok: ' | cut -d: -f1 || true)"
input=$(( ${correct_line:-1} - 1 ))
[ -n "$correct_line" ] || echo "(no input answered correctly: studying input 0)"

echo
echo "== input $input"
first_prompt="$(sed -n "$((input + 1))p" "$dataset" | sed -E 's/.*"prompt": *"([^"]*)".*/\1/')"
echo "prompt: $first_prompt"
printf 'answer: '
"$beamline" generate --model "$model" --prompt "$first_prompt" --max-new-tokens 4 2>/dev/null

echo
echo "== $trials exponent-bit flips on input $input, the same sites for each protection"
for protect in none ft2; do
  outcomes="$("$beamline" trial --model "$model" --dataset "$dataset" --input "$input" --fault exponent_bit \
    --seed 1 --trial 0 --count "$trials" --protect "$protect" 2>/dev/null |
    sed -E 's/.*"outcome":"([a-z_]+)".*/\1/')"
  count() { grep -c "^$1\$" <<<"$outcomes" || true; }
  sdc="$(count sdc)"
  interval="$("$beamline" ci --k "$sdc" --n "$trials" | tail -n 1)"
  printf '%-5s masked_identical %3s  masked_correct %3s  sdc %3s  due %3s   SDC rate 95%% interval [%s]\n' \
    "$protect" "$(count masked_identical)" "$(count masked_correct)" "$sdc" "$(count due)" "${interval/ /, }"
done
