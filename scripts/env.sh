# Sourced by Verity's scripts: where builds go and which toolchain builds the wasm runtime.

# The target directory lives outside the work tree so that every checkout and every CI run on
# this machine shares one incremental build.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/verity/target}"
mkdir -p "$CARGO_TARGET_DIR"

# The wasm runtime is built in its own cargo workspace under the target directory; this points it
# at our Cargo.lock so that it builds exactly the pinned crate versions.
WASM_BUILD_WORKSPACE_HINT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export WASM_BUILD_WORKSPACE_HINT

# scripts/setup.sh records the toolchain that can build wasm32v1-none; when it is not the
# ordinary rustup one, substrate-wasm-builder must be told.
verity_wasm_toolchain_file="$HOME/.config/verity/wasm-toolchain"
if [ -f "$verity_wasm_toolchain_file" ]; then
  verity_wasm_toolchain=$(cat "$verity_wasm_toolchain_file")
  if [ "$verity_wasm_toolchain" = "debweb" ]; then
    export WASM_BUILD_TOOLCHAIN=debweb
  fi
fi

# Vulkan drivers (Mesa's lavapipe among them) want a private runtime directory.
if [ -z "${XDG_RUNTIME_DIR:-}" ] || [ ! -d "$XDG_RUNTIME_DIR" ]; then
  XDG_RUNTIME_DIR="$HOME/.cache/verity/xdg-runtime"
  mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
  export XDG_RUNTIME_DIR
fi

VERITY_NODE_BIN="$CARGO_TARGET_DIR/release/verity-node"
export VERITY_NODE_BIN

# The package sets every script builds with, so that all of them share one build of each. The
# pallets are also built inside the runtime (chain set); their own set adds the benchmarks, which
# their unit tests run against the mock.
VERITY_CHAIN_PACKAGES=(-p verity-node -p verity-runtime -p verity-primitives -p verity-evaluator-service)
VERITY_PALLET_PACKAGES=(-p pallet-subnets -p pallet-stake -p pallet-scoring -p pallet-emissions
  -p pallet-network-parameters -p pallet-evaluations -p verity-yuma
  --features pallet-subnets/runtime-benchmarks,pallet-stake/runtime-benchmarks,pallet-scoring/runtime-benchmarks,pallet-emissions/runtime-benchmarks,pallet-network-parameters/runtime-benchmarks,pallet-evaluations/runtime-benchmarks)
VERITY_TOOL_PACKAGES=(-p verity-evaluator -p verity-cli --features verity-cli/gpu)

# cargo with the toolchain that has the wasm32v1-none standard library.
verity_wasm_cargo() {
  if [ -n "${WASM_BUILD_TOOLCHAIN:-}" ]; then
    rustup run "$WASM_BUILD_TOOLCHAIN" cargo "$@"
  else
    cargo "$@"
  fi
}

# Prints how long a step took, for the timings in the README.
verity_step() {
  local name=$1; shift
  local start=$SECONDS
  printf '\n==> %s\n' "$name"
  "$@"
  local rc=$?
  printf '<== %s: %ss (exit %s)\n' "$name" "$((SECONDS - start))" "$rc"
  return $rc
}
