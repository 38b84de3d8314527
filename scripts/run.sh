#!/usr/bin/env bash
# The main job: set the machine up, build Verity, and run a development chain.
#
#   scripts/run.sh [extra verity-node flags]
#
# The chain runs with Alice as its single block author and finalizer, RPC on ws://127.0.0.1:9944
# (open to polkadot.js apps) and Prometheus metrics on http://127.0.0.1:9615/metrics.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
source scripts/env.sh

verity_step "build chain (release)" cargo build --release --locked "${VERITY_CHAIN_PACKAGES[@]}"

echo "[run] starting $VERITY_NODE_BIN --dev (Ctrl-C stops it; its state is discarded)"
exec "$VERITY_NODE_BIN" --dev --rpc-cors all "$@"
