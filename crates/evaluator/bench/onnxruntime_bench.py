#!/usr/bin/env python3
"""The evaluator's benchmark model on onnxruntime (CPU execution provider), for comparison.

Reads what `cargo run --release --example bench -- --export-model DIR --export-inputs DIR`
writes (see examples/bench.rs), builds ONNX graphs of the same model, checks onnxruntime's
integer accumulators against ours, and times:

  ort u8xs8 +requant   per layer MatMulInteger(uint8 activations, zero point 0; int8 weights
                       transposed to in x out) -> int32, Add int32 bias, then a float
                       requantization: Cast float32, Mul scale, Round, Clip 0..255, Cast uint8.
                       The like-for-like figure: the same work as one of our batches.
  ort u8xs8 matmul     only the MatMulInteger of every layer (each layer's uint8 input fed
                       from the graph above; no bias, no requantization): a bound on what the
                       integer GEMMs alone cost.
  ort s8xs8 +requant / ort s8xs8 matmul
                       the same with int8 activations (inputs - 128, Clip -128..127, Cast
                       int8), for reference: the other integer GEMM path of onnxruntime.

The float requantization is NOT bit-identical to the evaluator's (gemmlowp's Q31 fixed-point
multiply rounded ties-up, then a rounding right shift ties-away; here one float32 multiply by
multiplier / 2^(31 + shift), rounded half-to-even, and int32 -> float32 rounds accumulators
above 2^24). So later layers differ in a few values and the logits do not match ours; the
agreement is reported, not required. The integer part is exact: MatMulInteger sums exact
int32 products, so the first layer's accumulators (bias added) must equal ours bit for bit,
and that is checked. (On x86 CPUs without VNNI, onnxruntime's u8xs8 kernel uses vpmaddubsw,
whose 16-bit pair sums can saturate: there the check can fail; it is reported, and fatal only
with --strict. On CPUs with AMX (Sapphire Rapids and later Xeons, Linux), onnxruntime's MLAS
asks for the tile state at start-up (arch_prctl ARCH_REQ_XCOMP_PERM) and runs u8xs8 GEMMs on
AMX; its VNNI kernel is used only where that request fails, which
`strace -f -e inject=arch_prctl:error=EPERM:when=2 python3 onnxruntime_bench.py ...` forces
(with glibc the process's first arch_prctl sets FS, the second is that request).)

Timings: `--warmup` untimed runs, then `--iters` timed `session.run` calls on the whole batch;
median and best, like the Rust side. Output allocation by onnxruntime is included.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
IR_VERSION = 8


def load_model(model_dir: Path) -> dict:
    path = model_dir / "model.json"
    try:
        spec = json.loads(path.read_text())
    except FileNotFoundError:
        sys.exit(f"error: {path} not found: run the Rust bench with --export-model {model_dir}")
    if spec.get("format") != "verity-evaluator-bench-model/1":
        sys.exit(f"error: {path}: unknown format {spec.get('format')!r}")
    for layer in spec["layers"]:
        if layer["activation"] != "relu":
            sys.exit(f"error: {path}: only ReLU layers are supported")
        w = np.load(model_dir / layer["weights"])
        b = np.load(model_dir / layer["biases"])
        if w.dtype != np.int8 or w.shape != (layer["output_size"], layer["input_size"]):
            sys.exit(f"error: {layer['weights']}: {w.dtype} {w.shape}")
        if b.dtype != np.int32 or b.shape != (layer["output_size"],):
            sys.exit(f"error: {layer['biases']}: {b.dtype} {b.shape}")
        layer["w"], layer["b"] = w, b
    return spec


def build_graph(spec: dict, signed: bool, requantize: bool, probe: bool = False) -> bytes:
    """The model as ONNX.

    requantize: the whole model, input `x` -> output `y` (plus, with `probe`, the first
    layer's accumulators `acc0` and every layer's output `act<l>`).
    not requantize: one MatMulInteger per layer, inputs `x<l>`, outputs `acc<l>`.
    """
    act_type = TensorProto.INT8 if signed else TensorProto.UINT8
    lo, hi = (-128.0, 127.0) if signed else (0.0, 255.0)
    nodes, inits, inputs, outputs = [], [], [], []
    if requantize:
        inits.append(numpy_helper.from_array(np.array(lo, dtype=np.float32), "clip_lo"))
        inits.append(numpy_helper.from_array(np.array(hi, dtype=np.float32), "clip_hi"))
    current = "x"
    if requantize:
        inputs.append(helper.make_tensor_value_info("x", act_type, ["N", spec["input_size"]]))
    for l, layer in enumerate(spec["layers"]):
        n_in, n_out = layer["input_size"], layer["output_size"]
        # in x out, C-contiguous: what MatMulInteger's B is.
        inits.append(numpy_helper.from_array(np.ascontiguousarray(layer["w"].T), f"w{l}"))
        if not requantize:
            inputs.append(helper.make_tensor_value_info(f"x{l}", act_type, ["N", n_in]))
            nodes.append(helper.make_node("MatMulInteger", [f"x{l}", f"w{l}"], [f"acc{l}"]))
            outputs.append(helper.make_tensor_value_info(f"acc{l}", TensorProto.INT32, ["N", n_out]))
            continue
        inits.append(numpy_helper.from_array(layer["b"], f"b{l}"))
        inits.append(numpy_helper.from_array(np.array(layer["scale"], dtype=np.float32), f"s{l}"))
        out = "y" if l == len(spec["layers"]) - 1 else f"act{l}"
        nodes += [
            helper.make_node("MatMulInteger", [current, f"w{l}"], [f"mm{l}"]),
            helper.make_node("Add", [f"mm{l}", f"b{l}"], [f"acc{l}"]),
            helper.make_node("Cast", [f"acc{l}"], [f"f{l}"], to=TensorProto.FLOAT),
            helper.make_node("Mul", [f"f{l}", f"s{l}"], [f"scaled{l}"]),
            helper.make_node("Round", [f"scaled{l}"], [f"rounded{l}"]),
            helper.make_node("Clip", [f"rounded{l}", "clip_lo", "clip_hi"], [f"clipped{l}"]),
            helper.make_node("Cast", [f"clipped{l}"], [out], to=act_type),
        ]
        if probe and out != "y":
            outputs.append(helper.make_tensor_value_info(out, act_type, ["N", n_out]))
        current = out
    if requantize:
        n_logits = spec["layers"][-1]["output_size"]
        outputs.insert(0, helper.make_tensor_value_info("y", act_type, ["N", n_logits]))
        if probe:
            n0 = spec["layers"][0]["output_size"]
            outputs.append(helper.make_tensor_value_info("acc0", TensorProto.INT32, ["N", n0]))
    graph = helper.make_graph(nodes, "verity_bench", inputs, outputs, inits)
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", OPSET)],
        producer_name="verity-evaluator bench",
    )
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model)
    return model.SerializeToString()


def session(model: bytes, threads: int, optimized_path: str | None = None) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3  # errors only: not the notes on saving optimized graphs
    if optimized_path:
        options.optimized_model_filepath = optimized_path
    return ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])


def optimized_ops(model: bytes, threads: int) -> dict[str, int]:
    """The operators left after onnxruntime's graph optimizations (fusions show here)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "optimized.onnx")
        session(model, threads, path)
        counts: dict[str, int] = {}
        for node in onnx.load(path).graph.node:
            name = node.op_type if node.domain in ("", "ai.onnx") else f"{node.domain}.{node.op_type}"
            counts[name] = counts.get(name, 0) + 1
        return counts


def time_runs(sess: ort.InferenceSession, feed: dict, warmup: int, iters: int) -> list[float]:
    for _ in range(warmup):
        sess.run(None, feed)
    times = []
    for _ in range(iters):
        started = time.perf_counter()
        sess.run(None, feed)
        times.append(time.perf_counter() - started)
    return times


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, required=True, help="the --export-model directory")
    parser.add_argument("--inputs", type=Path, help="the --export-inputs directory (default: --model)")
    parser.add_argument("--iters", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument(
        "--threads", type=int, default=len(os.sched_getaffinity(0)),
        help="intra_op_num_threads (default: the cores this process may use)",
    )
    parser.add_argument("--no-s8s8", action="store_true", help="skip the int8 x int8 variants")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    parser.add_argument("--save-onnx", type=Path, help="write the ONNX graphs into this directory")
    parser.add_argument("--strict", action="store_true", help="exit 1 if the accumulators differ")
    args = parser.parse_args()
    if args.iters < 1 or args.warmup < 0 or args.threads < 1:
        parser.error("--iters and --threads must be at least 1, --warmup at least 0")
    inputs_dir = args.inputs or args.model

    spec = load_model(args.model)
    try:
        check = json.loads((inputs_dir / "check.json").read_text())
    except FileNotFoundError:
        sys.exit(f"error: {inputs_dir / 'check.json'} not found: run the Rust bench with --export-inputs")
    x = np.load(inputs_dir / check["inputs"])
    batch = x.shape[0]
    if x.dtype != np.uint8 or x.shape != (batch, spec["input_size"]):
        sys.exit(f"error: inputs are {x.dtype} {x.shape}")
    ref_samples = check["ref_samples"]
    acc0_ours = np.load(inputs_dir / check["layer0_accumulators"])
    act0_ours = np.load(inputs_dir / check["layer0_outputs"])
    y_ours = np.load(inputs_dir / check["outputs"])
    macs_per_sample = sum(l["input_size"] * l["output_size"] for l in spec["layers"])
    widths = "->".join(str(w) for w in spec["widths"])
    print(
        f"onnxruntime {ort.__version__} (numpy {np.__version__}, onnx {onnx.__version__}), "
        f"CPU EP, {args.threads} intra-op threads; model {widths}, batch {batch}, "
        f"{batch * macs_per_sample / 1e9:.3f} GMAC per batch"
    )
    print(f"cpu: {cpu_name()}")

    graphs = {
        "u8s8_full": build_graph(spec, signed=False, requantize=True),
        "u8s8_probe": build_graph(spec, signed=False, requantize=True, probe=True),
        "u8s8_matmul": build_graph(spec, signed=False, requantize=False),
    }
    if not args.no_s8s8:
        graphs["s8s8_full"] = build_graph(spec, signed=True, requantize=True)
        graphs["s8s8_matmul"] = build_graph(spec, signed=True, requantize=False)
    if args.save_onnx:
        args.save_onnx.mkdir(parents=True, exist_ok=True)
        for name, graph in graphs.items():
            (args.save_onnx / f"{name}.onnx").write_bytes(graph)

    # The cross-check, and every layer's uint8 inputs for the MatMulInteger-only graphs.
    probe = session(graphs["u8s8_probe"], args.threads)
    names = [o.name for o in probe.get_outputs()]
    got = dict(zip(names, probe.run(None, {"x": x})))
    acc0 = got["acc0"][:ref_samples]
    acc_equal = bool(np.array_equal(acc0, acc0_ours))
    differing = int(np.count_nonzero(acc0 != acc0_ours))
    act0_agree = float(np.mean(got["act0" if len(spec["layers"]) > 1 else "y"][:ref_samples] == act0_ours))
    y_agree = float(np.mean(got["y"][:ref_samples] == y_ours))
    max_diff = int(np.max(np.abs(got["y"][:ref_samples].astype(np.int16) - y_ours.astype(np.int16))))
    check_result = {
        "samples": ref_samples,
        "layer0_accumulators_equal": acc_equal,
        "layer0_accumulators_differing": differing,
        "layer0_outputs_agreement": act0_agree,
        "logits_agreement": y_agree,
        "logits_max_abs_diff": max_diff,
    }
    if acc_equal:
        print(f"check: first-layer int32 accumulators equal ours exactly ({acc0.size} values, {ref_samples} samples)")
    else:
        print(
            f"CHECK FAILED: {differing} of {acc0.size} first-layer accumulators differ from ours "
            "(a u8xs8 kernel that saturates, e.g. vpmaddubsw on AVX2 without VNNI, or an export bug)",
            file=sys.stderr,
        )
    print(
        f"float requantization vs ours: first layer {100 * act0_agree:.2f}% equal; "
        f"logits {100 * y_agree:.2f}% equal, max |diff| {max_diff} (expected: not bit-identical)"
    )
    layer_inputs_u8 = [x] + [got[f"act{l}"] for l in range(len(spec["layers"]) - 1)]

    feeds = {
        "u8s8_full": {"x": x},
        "u8s8_matmul": {f"x{l}": a for l, a in enumerate(layer_inputs_u8)},
    }
    if not args.no_s8s8:
        to_s8 = lambda a: (a.astype(np.int16) - 128).astype(np.int8)  # noqa: E731
        feeds["s8s8_full"] = {"x": to_s8(x)}
        feeds["s8s8_matmul"] = {f"x{l}": to_s8(a) for l, a in enumerate(layer_inputs_u8)}
    labels = {
        "u8s8_full": ("ort u8xs8 +requant", "MatMulInteger+Add+float requant (Cast,Mul,Round,Clip,Cast)"),
        "u8s8_matmul": ("ort u8xs8 matmul", "MatMulInteger only (no bias, no requant)"),
        "s8s8_full": ("ort s8xs8 +requant", "int8 activations, MatMulInteger+Add+float requant"),
        "s8s8_matmul": ("ort s8xs8 matmul", "int8 activations, MatMulInteger only"),
    }
    results = []
    for key, feed in feeds.items():
        sess = session(graphs[key], args.threads)
        times = time_runs(sess, feed, args.warmup, args.iters)
        median, best = statistics.median(times), min(times)
        ops = optimized_ops(graphs[key], args.threads)
        label, detail = labels[key]
        results.append({
            "backend": label,
            "key": key,
            "threads": args.threads,
            "detail": detail,
            "optimized_ops": ops,
            "samples": batch,
            "warmup": args.warmup,
            "times_s": times,
            "median_s": median,
            "best_s": best,
            "samples_per_s": batch / median,
            "gmac_per_s": batch * macs_per_sample / median / 1e9,
            "best_samples_per_s": batch / best,
            "best_gmac_per_s": batch * macs_per_sample / best / 1e9,
        })

    print(f"{'backend':<20} {'threads':>7} {'median ms':>11} {'best ms':>11} {'samples/s':>12} {'GMAC/s':>9}  ops after optimization")
    for r in results:
        ops = ", ".join(f"{k} x{v}" for k, v in sorted(r["optimized_ops"].items()))
        print(
            f"{r['backend']:<20} {r['threads']:>7} {r['median_s'] * 1e3:>11.3f} {r['best_s'] * 1e3:>11.3f} "
            f"{r['samples_per_s']:>12.0f} {r['gmac_per_s']:>9.2f}  {ops}"
        )
    print(f"(runs: {args.warmup} warm-up + {args.iters} timed on {batch})")

    if args.json:
        report = {
            "onnxruntime": ort.__version__,
            "numpy": np.__version__,
            "onnx": onnx.__version__,
            "python": platform.python_version(),
            "cpu": cpu_name(),
            "threads": args.threads,
            "widths": spec["widths"],
            "batch": batch,
            "macs_per_sample": macs_per_sample,
            "check": check_result,
            "results": results,
        }
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    if not acc_equal and args.strict:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
