#!/usr/bin/env bash
# The main job: set the machine up, build Verity, and run a development chain with a subnet on it.
#
#   scripts/run.sh [extra verity-node flags]
#
# The chain runs with Alice as its single block author and finalizer, RPC on ws://127.0.0.1:9944
# (open to polkadot.js apps) and Prometheus metrics on http://127.0.0.1:9615/metrics. Once it
# produces blocks, a miner trained with `verity miner train` is served with `verity miner serve`
# on 127.0.0.1:8700, and tests/demo/dev-subnet.js creates a subnet, registers the miner (with its
# endpoint and model commitment) and a staked validator, and prints the metagraph.
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
if [ ! -f "$demo_dir/model.vrtm" ] || [ ! -f "$demo_dir/model.root" ]; then
  echo "[run] training the demo miner's model"
  "$verity" miner train --out "$demo_dir/model.vrtm" | tee "$demo_dir/train.txt"
  awk '/^model root/ {print "0x" $3}' "$demo_dir/train.txt" > "$demo_dir/model.root"
fi
model_root=$(cat "$demo_dir/model.root")
model_size=$(stat -c %s "$demo_dir/model.vrtm")

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "[run] starting $VERITY_NODE_BIN --dev (Ctrl-C stops it; its state is discarded)"
"$VERITY_NODE_BIN" --dev --rpc-cors all "$@" &
pids+=($!)
"$verity" miner serve --models "$demo_dir/model.vrtm" --listen 127.0.0.1:8700 &
pids+=($!)

for _ in $(seq 1 120); do
  if curl -sf -H 'content-type: application/json' \
    -d '{"jsonrpc":"2.0","id":1,"method":"chain_getHeader","params":[]}' \
    http://127.0.0.1:9944 | grep -q '"number":"0x[1-9a-f]'; then
    break
  fi
  sleep 1
done
node tests/demo/dev-subnet.js --rpc ws://127.0.0.1:9944 --model-root "$model_root" \
  --model-size "$model_size" --endpoint 127.0.0.1:8700 || echo "[run] the demo setup failed; the chain keeps running"
echo "[run] the chain keeps running; Ctrl-C stops it"
wait "${pids[0]}"
