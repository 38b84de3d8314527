#!/usr/bin/env bash
# Benchmarks Verity's own pallets, frame_system and the governance pallets in the wasm runtime and writes the weights the runtime uses
# (runtime/src/weights/<pallet>.rs).
#
#   scripts/bench-pallets.sh [pallet …]      (default: Verity's pallets, frame_system and governance)
#
# Needs a node built with `--features runtime-benchmarks`, a second build of the node: it goes
# to its own target directory ($CARGO_TARGET_DIR-bench) so that the ordinary build stays as it is.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

bench_target="${CARGO_TARGET_DIR}-bench"
verity_step "build node with runtime-benchmarks" \
  env CARGO_TARGET_DIR="$bench_target" cargo build --release --locked -p verity-node --features runtime-benchmarks

pallets=("$@")
[ ${#pallets[@]} -gt 0 ] || pallets=(pallet_stake pallet_subnets pallet_scoring pallet_emissions
  pallet_evaluations pallet_network_parameters frame_system pallet_preimage pallet_scheduler pallet_referenda
  pallet_conviction_voting)
# Verity is a solo chain: its blocks carry no storage proof (the proof-size limit is u64::MAX), so
# time is measured without recording one, as frame-benchmarking advises for such chains; with
# recording on, every storage read also pays for building a proof no one uses.
steps="${VERITY_BENCH_STEPS:-20}"
repeat="${VERITY_BENCH_REPEAT:-10}"
for pallet in "${pallets[@]}"; do
  verity_step "benchmark $pallet (steps $steps, repeat $repeat)" \
    "$bench_target/release/verity-node" benchmark pallet \
      --runtime "$bench_target/release/wbuild/verity-runtime/verity_runtime.compact.compressed.wasm" \
      --genesis-builder runtime --genesis-builder-preset development \
      --pallet "$pallet" --extrinsic '*' --steps "$steps" --repeat "$repeat" \
      --disable-proof-recording \
      --header scripts/bench-header.txt \
      --output "runtime/src/weights/$pallet.rs"
  # The runtime reaches FRAME (and FRAME's own pallets) through the polkadot-sdk umbrella crate.
  case "$pallet" in
    frame_system|pallet_stake|pallet_subnets|pallet_scoring|pallet_emissions|pallet_evaluations|pallet_network_parameters)
      imports="frame_support, frame_system" ;;
    *) imports="frame_support, frame_system, $pallet" ;;
  esac
  sed -i "s/^use frame_support::/use polkadot_sdk::{$imports};\nuse frame_support::/" \
    "runtime/src/weights/$pallet.rs"
done
