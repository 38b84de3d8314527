#!/usr/bin/env bash
# The main job: set the machine up, build Verity, and run a development chain with a subnet on it.
#
#   scripts/run.sh [extra verity-node flags]
#
# The chain runs with Alice as its single block author and finalizer, RPC on ws://127.0.0.1:9944
# (open to polkadot.js apps) and Prometheus metrics on http://127.0.0.1:9615/metrics. Two models
# trained with `verity miner train` (a good one and a weak one) are served with
# `verity miner serve` on 127.0.0.1:8700 and :8701, and tests/demo/dev-subnet.js sets up a
# verified subnet with those two miners and two validators whose keys the node holds, then tells
# the story as it happens: the node's off-chain worker evaluates, submits, audits; the better
# model earns more; a forged evaluation is disputed and slashed.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
source scripts/env.sh

verity_step "build chain (release)" cargo build --release --locked "${VERITY_CHAIN_PACKAGES[@]}"
verity_step "build tools (release)" cargo build --release --locked "${VERITY_TOOL_PACKAGES[@]}"
[ -d tests/node_modules ] || verity_step "npm ci (tests/)" npm ci --prefix tests --no-audit --no-fund

verity="$CARGO_TARGET_DIR/release/verity"
demo_dir="$HOME/.cache/verity/demo"
mkdir -p "$demo_dir"
# Two miners: a trained model, and one barely trained (one epoch, four hidden units).
train() { # name, train arguments…
  local name=$1
  shift
  if [ ! -f "$demo_dir/$name.vrtm" ] || [ ! -f "$demo_dir/$name.txt" ]; then
    echo "[run] training the $name model"
    "$verity" miner train --out "$demo_dir/$name.vrtm" "$@" > "$demo_dir/$name.txt"
  fi
  awk '/^model root/ {print "0x" $3}' "$demo_dir/$name.txt"
}
trained_root=$(train trained)
weak_root=$(train weak --hidden 4 --epochs 1 --seed 7)
dataset_root=$(awk '/^dataset root/ {print "0x" $3}' "$demo_dir/trained.txt")

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "[run] starting $VERITY_NODE_BIN --dev (Ctrl-C stops it; its state is discarded)"
"$VERITY_NODE_BIN" --dev --rpc-cors all "$@" 2> >(grep --line-buffered -E 'verity|Running JSON-RPC|ERROR|WARN' >&2) &
pids+=($!)
"$verity" miner serve --models "$demo_dir/trained.vrtm" --listen 127.0.0.1:8700 &
pids+=($!)
"$verity" miner serve --models "$demo_dir/weak.vrtm" --listen 127.0.0.1:8701 &
pids+=($!)

for _ in $(seq 1 120); do
  if curl -sf -H 'content-type: application/json' \
    -d '{"jsonrpc":"2.0","id":1,"method":"chain_getHeader","params":[]}' \
    http://127.0.0.1:9944 | grep -q '"number":"0x[1-9a-f]'; then
    break
  fi
  sleep 1
done
node tests/demo/dev-subnet.js --rpc ws://127.0.0.1:9944 --dataset-root "$dataset_root" \
  --miner "$trained_root,$(stat -c %s "$demo_dir/trained.vrtm"),127.0.0.1:8700" \
  --miner "$weak_root,$(stat -c %s "$demo_dir/weak.vrtm"),127.0.0.1:8701" &
pids+=($!)
wait "${pids[0]}"
