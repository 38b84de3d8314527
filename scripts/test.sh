#!/usr/bin/env bash
# The whole test suite: set the machine up, check formatting, build, run the Rust tests, lint,
# and run the end-to-end tests against a real node.
#
# Every cargo step uses the release profile and the whole workspace so that each crate is
# compiled once and shared by the node, the tests and clippy.
set -euo pipefail
cd "$(dirname "$0")/.."

total_start=$SECONDS
bash scripts/setup.sh
source scripts/env.sh

verity_step "cargo fmt --check" cargo fmt --all -- --check
verity_step "build (release)" cargo build --release --workspace --locked
verity_step "cargo test" cargo test --release --workspace --locked
verity_step "cargo clippy" \
  cargo clippy --release --workspace --all-targets --locked -- -D warnings
verity_step "npm ci (tests/)" npm ci --prefix tests --no-audit --no-fund
verity_step "end-to-end tests" env VERITY_NODE="$VERITY_NODE_BIN" npm test --prefix tests

printf '\nAll tests passed in %ss.\n' "$((SECONDS - total_start))"
