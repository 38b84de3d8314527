#!/usr/bin/env bash
# The miner toolkit end to end, through the built `verity` binary: train and quantize a model on
# the demo digits, then evaluate the artifact on the reference, CPU and GPU backends and require
# the same result root from all three (the GPU backend runs on lavapipe where there is no GPU).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

verity="$CARGO_TARGET_DIR/release/verity"
[ -x "$verity" ] || { echo "miner-check: $verity is not built" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$verity" miner train --out "$work/model.vrtm"
roots=()
for backend in reference cpu gpu; do
  echo "--- verity miner eval --backend $backend"
  "$verity" miner eval --model "$work/model.vrtm" --backend "$backend" | tee "$work/$backend.txt"
  roots+=("$(awk '/^result root/ {print $3}' "$work/$backend.txt")")
done
if [ -z "${roots[0]}" ] || [ "${roots[0]}" != "${roots[1]}" ] || [ "${roots[0]}" != "${roots[2]}" ]; then
  echo "miner-check: result roots differ across backends: ${roots[*]}" >&2
  exit 1
fi
echo "miner-check: reference, cpu and gpu agree on result root ${roots[0]}"
