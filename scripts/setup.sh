#!/usr/bin/env bash
# Installs what building and testing Verity needs on a Debian/Ubuntu machine with rustup.
# Idempotent: every step checks before it acts, says what it did, and stops with the reason on failure.
#
# After it succeeds, `scripts/env.sh` (sourced by the other scripts) sets WASM_BUILD_TOOLCHAIN
# when the wasm runtime has to be built with the Debian toolchain linked here.
set -euo pipefail

say() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] FAILED: %s\n' "$*" >&2; exit 1; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || die "not root and no sudo: cannot install system packages"
  SUDO="sudo"
fi

apt_updated=0
apt_install() {
  local missing=()
  for p in "$@"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ $apt_updated -eq 0 ]; then
    say "apt-get update"
    $SUDO apt-get update -qq || die "apt-get update failed"
    apt_updated=1
  fi
  say "installing: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null \
    || die "apt-get install ${missing[*]} failed"
}

command -v rustup >/dev/null || die "rustup is required (https://rustup.rs)"
command -v cargo >/dev/null || die "cargo is required (install it with rustup)"

# 1. System packages: protoc (litep2p), a C compiler for the crates that build C, Vulkan on the
#    CPU (lavapipe) for the evaluator's GPU backend in CI, curl (run.sh waits for the node with it),
#    Node.js for the end-to-end tests.
apt_install protobuf-compiler build-essential git curl mesa-vulkan-drivers libvulkan1
say "protoc: $(protoc --version)"

if ! command -v node >/dev/null || [ "$(node -e 'console.log(process.versions.node.split(".")[0])')" -lt 18 ]; then
  apt_install nodejs npm
fi
say "node: $(node --version), npm: $(npm --version)"

# 2. Lints and formatting for the test command.
for component in clippy rustfmt; do
  if ! rustup component list --installed 2>/dev/null | grep -q "^$component"; then
    rustup component add "$component" || die "rustup component add $component failed"
    say "added rustup component $component"
  fi
done

# 3. A toolchain that can build the wasm runtime.
host_toolchain=$(rustup show active-toolchain | cut -d' ' -f1)
wasm_toolchain=""
if rustup target list --installed 2>/dev/null | grep -qx wasm32v1-none; then
  wasm_toolchain="$host_toolchain"
  say "rustup toolchain $host_toolchain already has wasm32v1-none"
elif timeout 120 rustup target add wasm32v1-none >/dev/null 2>&1; then
  wasm_toolchain="$host_toolchain"
  say "added wasm32v1-none to rustup toolchain $host_toolchain"
else
  say "rustup cannot add wasm32v1-none here; using Debian's Rust toolchain (rustc-web) instead"
  apt_install rustc-web cargo-web rust-web-src lld-22
  [ -x /usr/bin/rust-lld ] || $SUDO ln -sf "$(command -v ld.lld-22 || echo /usr/lib/llvm-22/bin/ld.lld)" /usr/bin/rust-lld
  [ -x /usr/bin/rust-lld ] || die "rust-lld not found after installing lld-22"

  tc_dir="${VERITY_DEBWEB_DIR:-$HOME/.local/share/verity/debweb-toolchain}"
  mkdir -p "$tc_dir/bin"
  for t in rustc cargo rustdoc; do ln -sfn "/usr/bin/$t" "$tc_dir/bin/$t"; done
  ln -sfn /usr/lib "$tc_dir/lib"
  if ! rustup toolchain list | grep -q '^debweb'; then
    rustup toolchain link debweb "$tc_dir" || die "rustup toolchain link debweb failed"
    say "linked Debian's Rust ($(/usr/bin/rustc --version)) as rustup toolchain 'debweb'"
  fi

  # The wasm32v1-none standard library, built once from Debian's library sources with bitcode
  # embedded (the runtime blob is linked with LTO).
  sysroot_lib=/usr/lib/rustlib/wasm32v1-none/lib
  if ! ls "$sysroot_lib"/libcore-*.rlib >/dev/null 2>&1; then
    say "building core/alloc for wasm32v1-none from /usr/lib/rustlib/src/rust (about a minute)"
    work=$(mktemp -d)
    mkdir -p "$work/src"
    cat > "$work/Cargo.toml" <<'TOML'
[package]
name = "wasm-sysroot"
version = "0.0.0"
edition = "2021"
[lib]
crate-type = ["cdylib"]
path = "src/lib.rs"
[profile.release]
panic = "abort"
TOML
    cat > "$work/src/lib.rs" <<'RS'
#![no_std]
extern crate alloc;
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! { loop {} }
RS
    (cd "$work" && RUSTFLAGS=-Cembed-bitcode=yes RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR="$work/target" \
      rustup run debweb cargo build -q --release --target wasm32v1-none -Z build-std=core,alloc) \
      || die "building the wasm32v1-none sysroot failed (see output above)"
    $SUDO mkdir -p "$sysroot_lib"
    for c in core alloc compiler_builtins; do
      $SUDO cp "$work"/target/wasm32v1-none/release/deps/lib${c}-*.rlib "$sysroot_lib/" \
        || die "missing lib$c rlib in the sysroot build"
    done
    rm -rf "$work"
    # Runtime blobs built against an older sysroot no longer link.
    rm -rf "${CARGO_TARGET_DIR:-$HOME/.cache/verity/target}"/*/wbuild
    say "installed wasm32v1-none sysroot into $sysroot_lib"
  fi
  wasm_toolchain=debweb
fi

state_dir="$HOME/.config/verity"
mkdir -p "$state_dir"
echo "$wasm_toolchain" > "$state_dir/wasm-toolchain"
say "wasm runtime toolchain: $wasm_toolchain (recorded in $state_dir/wasm-toolchain)"
say "done"
