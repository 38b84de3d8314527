#!/usr/bin/env bash
# The whole test suite: set the machine up, check formatting, build, run the Rust tests, lint,
# and run the end-to-end tests against a real node.
#
# Every cargo step uses the release profile so that each crate is compiled once and shared by
# the binaries, the tests and clippy. The chain (node, runtime, primitives), the pallets with
# their benchmarks, and the tools (evaluator, `verity` CLI) are built as separate package sets, so
# that no set's dependencies change the features, and so the build, of the node's ~1,000 crates.
set -euo pipefail
cd "$(dirname "$0")/.."

total_start=$SECONDS
bash scripts/setup.sh
source scripts/env.sh

verity_step "cargo fmt --check" cargo fmt --all -- --check

verity_step "build chain (release)" cargo build --release --locked "${VERITY_CHAIN_PACKAGES[@]}"
verity_step "build tools (release)" cargo build --release --locked "${VERITY_TOOL_PACKAGES[@]}"

verity_step "cargo test: chain" cargo test --release --locked "${VERITY_CHAIN_PACKAGES[@]}"
# Unit, property and benchmark tests of the pallets, each followed by their try_state invariants.
verity_step "cargo test: pallets" cargo test --release --locked "${VERITY_PALLET_PACKAGES[@]}"
# The GPU backend runs for real: on a GPU where there is one, on lavapipe (Vulkan on the CPU)
# otherwise; the tests print the adapter.
verity_step "cargo test: tools" cargo test --release --locked "${VERITY_TOOL_PACKAGES[@]}"

verity_step "cargo clippy: chain" \
  cargo clippy --release --locked --all-targets "${VERITY_CHAIN_PACKAGES[@]}" -- -D warnings
verity_step "cargo clippy: pallets" \
  cargo clippy --release --locked --all-targets "${VERITY_PALLET_PACKAGES[@]}" -- -D warnings
verity_step "cargo clippy: tools" \
  cargo clippy --release --locked --all-targets "${VERITY_TOOL_PACKAGES[@]}" -- -D warnings
verity_step "cargo clippy: yuma without std" \
  cargo clippy --release --locked -p verity-yuma --no-default-features -- -D warnings
verity_step "cargo clippy: evaluator without std" \
  cargo clippy --release --locked -p verity-evaluator --no-default-features -- -D warnings
# The referee runs the evaluator's reference backend inside the wasm runtime.
verity_step "evaluator builds for wasm32v1-none" \
  verity_wasm_cargo build --release --locked -p verity-evaluator --no-default-features \
  --target wasm32v1-none

verity_step "miner toolkit end to end" bash scripts/miner-check.sh

verity_step "npm ci (tests/)" npm ci --prefix tests --no-audit --no-fund
verity_step "end-to-end tests" env VERITY_NODE="$VERITY_NODE_BIN" npm test --prefix tests

printf '\nAll tests passed in %ss.\n' "$((SECONDS - total_start))"
