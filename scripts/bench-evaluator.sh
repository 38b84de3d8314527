#!/usr/bin/env bash
# The evaluator's throughput next to onnxruntime's on the same model and batch.
#
#   scripts/bench-evaluator.sh [--widths 1024,1024,1024,1024] [--batch 1024] [--iters 10]
#                              [--warmup 2] [--ref-samples N] [--threads N] [--no-gpu]
#                              [--markdown]
#
# 1. a virtual environment with bench/requirements.txt (onnxruntime, onnx, numpy), made once;
# 2. `cargo run --release --example bench --features gpu` (every CPU kernel, the GPU if there
#    is an adapter, the reference), checked bit for bit against the reference, exporting the
#    model and the inputs;
# 3. bench/onnxruntime_bench.py on the exported model (and the exact first-layer check);
# 4. one side-by-side table (bench/side_by_side.py).
#
# Environment:
#   EVALUATOR_DIR   the evaluator crate (default: crates/evaluator under the repository root,
#                   the parent of this script's directory)
#   BENCH_VENV      the virtual environment (default: $HOME/.cache/verity/bench-venv)
#   BENCH_OUT       where results go (default: target/bench-evaluator under the repository root)
#   PYTHON          the Python that creates the venv (default: python3)
#   CARGO_FEATURES  cargo features for the Rust bench (default: gpu; empty for CPU only)
#   CARGO_TARGET_DIR, CARGO_BUILD_JOBS, WGPU_ADAPTER_NAME, WGPU_BACKEND are honoured.
# For a quiet measurement run it on an otherwise idle machine; `nice` applies to children.

set -euo pipefail

SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd -- "$SCRIPT_DIR/.." && pwd)"
EVALUATOR_DIR="${EVALUATOR_DIR:-$REPO_ROOT/crates/evaluator}"
BENCH_VENV="${BENCH_VENV:-$HOME/.cache/verity/bench-venv}"
BENCH_OUT="${BENCH_OUT:-$REPO_ROOT/target/bench-evaluator}"
PYTHON="${PYTHON:-python3}"
CARGO_FEATURES="${CARGO_FEATURES-gpu}"

die() {
	echo "bench-evaluator: error: $*" >&2
	exit 1
}
step() { echo "==> $*" >&2; }
trap 'echo "bench-evaluator: failed at line $LINENO: $BASH_COMMAND" >&2' ERR

# Options: the Rust bench's, passed on (the Python side takes iterations and threads too).
widths=1024,1024,1024,1024
batch=1024
iters=10
warmup=2
ref_samples=
threads=
no_gpu=
markdown=
while (($#)); do
	case "$1" in
	--widths | --batch | --iters | --warmup | --ref-samples | --threads)
		(($# >= 2)) || die "$1 needs a value"
		value="$2"
		case "$1" in
		--widths) [[ $value =~ ^[0-9]+(,[0-9]+)+$ ]] || die "--widths: comma-separated numbers, at least two" ;;
		*) [[ $value =~ ^[0-9]+$ ]] || die "$1: not a number: $value" ;;
		esac
		case "$1" in
		--widths) widths="$value" ;;
		--batch) batch="$value" ;;
		--iters) iters="$value" ;;
		--warmup) warmup="$value" ;;
		--ref-samples) ref_samples="$value" ;;
		--threads) threads="$value" ;;
		esac
		shift 2
		;;
	--no-gpu) no_gpu=1 && shift ;;
	--markdown) markdown=1 && shift ;;
	-h | --help)
		sed -n '2,/^$/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
		exit 0
		;;
	*) die "unknown argument: $1 (see --help)" ;;
	esac
done

[[ -f "$EVALUATOR_DIR/Cargo.toml" ]] ||
	die "no crate at EVALUATOR_DIR=$EVALUATOR_DIR (set EVALUATOR_DIR to the evaluator crate)"
EVALUATOR_DIR="$(cd -- "$EVALUATOR_DIR" && pwd)"
[[ -f "$EVALUATOR_DIR/examples/bench.rs" ]] || die "$EVALUATOR_DIR/examples/bench.rs is missing"
[[ -f "$EVALUATOR_DIR/bench/onnxruntime_bench.py" ]] || die "$EVALUATOR_DIR/bench/onnxruntime_bench.py is missing"
command -v cargo >/dev/null || die "cargo not found on PATH"
command -v "$PYTHON" >/dev/null || die "$PYTHON not found (set PYTHON)"

# 1. The virtual environment, (re)installed when requirements.txt changes.
requirements="$EVALUATOR_DIR/bench/requirements.txt"
[[ -f "$requirements" ]] || die "$requirements is missing"
stamp="$BENCH_VENV/.verity-requirements"
if [[ ! -x "$BENCH_VENV/bin/python" ]]; then
	step "creating the virtual environment $BENCH_VENV"
	mkdir -p -- "$(dirname -- "$BENCH_VENV")"
	"$PYTHON" -m venv "$BENCH_VENV" || die "could not create $BENCH_VENV (is python3-venv installed?)"
fi
if ! cmp -s -- "$requirements" "$stamp"; then
	step "installing $requirements"
	"$BENCH_VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" ||
		die "pip install -r $requirements failed"
	cp -- "$requirements" "$stamp"
fi
VENV_PY="$BENCH_VENV/bin/python"

# 2. The Rust bench, with the export.
run_dir="$BENCH_OUT/$(date -u +%Y%m%dT%H%M%SZ)"
export_dir="$run_dir/export"
mkdir -p -- "$export_dir"
rust_args=(--widths "$widths" --batch "$batch" --iters "$iters" --warmup "$warmup"
	--export-model "$export_dir" --export-inputs "$export_dir" --json)
[[ -n $ref_samples ]] && rust_args+=(--ref-samples "$ref_samples")
[[ -n $threads ]] && rust_args+=(--threads "$threads")
[[ -n $no_gpu ]] && rust_args+=(--no-gpu)
cargo_features=()
[[ -n $CARGO_FEATURES ]] && cargo_features=(--features "$CARGO_FEATURES")
step "building and running the evaluator bench (results in $run_dir)"
(cd -- "$EVALUATOR_DIR" && cargo run --quiet --release --example bench "${cargo_features[@]}" -- "${rust_args[@]}") \
	>"$run_dir/evaluator.json" 2> >(tee "$run_dir/evaluator.log" >&2) ||
	die "the evaluator bench failed (log: $run_dir/evaluator.log)"
"$VENV_PY" -c 'import json, sys; json.load(open(sys.argv[1]))' "$run_dir/evaluator.json" ||
	die "the evaluator bench wrote no valid JSON ($run_dir/evaluator.json)"

# 3. onnxruntime on the same model and inputs.
ort_args=(--model "$export_dir" --inputs "$export_dir" --iters "$iters" --warmup "$warmup" --json "$run_dir/onnxruntime.json")
[[ -n $threads ]] && ort_args+=(--threads "$threads")
step "running onnxruntime on the exported model"
"$VENV_PY" "$EVALUATOR_DIR/bench/onnxruntime_bench.py" "${ort_args[@]}" 2>&1 | tee "$run_dir/onnxruntime.log" >&2 ||
	die "the onnxruntime bench failed (log: $run_dir/onnxruntime.log)"

# 4. Side by side.
step "side by side"
table_args=("$run_dir/evaluator.json" "$run_dir/onnxruntime.json")
[[ -n $markdown ]] && table_args+=(--markdown)
"$VENV_PY" "$EVALUATOR_DIR/bench/side_by_side.py" "${table_args[@]}" | tee "$run_dir/table.txt"
echo "(all files: $run_dir)" >&2
