#!/usr/bin/env python3
"""One table of the evaluator's and onnxruntime's results (standard library only).

    side_by_side.py RUST_JSON ORT_JSON [--markdown]

RUST_JSON is `cargo run --release --example bench -- --json` output, ORT_JSON what
`onnxruntime_bench.py --json` writes. Rates are per-run medians; the ratio is samples/s over
onnxruntime's u8xs8 figure with requantization ("ort u8xs8 +requant", the same work per batch),
so > 1 means faster than onnxruntime.
"""

import argparse
import json
import sys
from pathlib import Path

BASELINE = "u8s8_full"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rust_json", type=Path)
    parser.add_argument("ort_json", type=Path)
    parser.add_argument("--markdown", action="store_true", help="a Markdown table")
    args = parser.parse_args()
    rust = json.loads(args.rust_json.read_text())
    ort = json.loads(args.ort_json.read_text())
    if rust["widths"] != ort["widths"] or rust["batch"] != ort["batch"]:
        sys.exit(
            f"error: different configurations: {rust['widths']} x {rust['batch']} "
            f"vs {ort['widths']} x {ort['batch']}"
        )
    base = next((r for r in ort["results"] if r.get("key") == BASELINE), None)
    if base is None:
        sys.exit(f"error: {args.ort_json} has no {BASELINE} result")

    rows = []
    for r in rust["results"] + ort["results"]:
        threads = "-" if r["threads"] is None else str(r["threads"])
        ratio = r["samples_per_s"] / base["samples_per_s"]
        rows.append(
            (r["backend"], threads, f"{r['samples_per_s']:.0f}", f"{r['gmac_per_s']:.2f}", f"{ratio:.2f}x")
        )
    header = ("backend", "threads", "samples/s", "GMAC/s", "vs ort u8xs8")
    widths = [max(len(row[i]) for row in rows + [header]) for i in range(len(header))]
    widths_text = "->".join(str(w) for w in rust["widths"])
    print(
        f"model {widths_text}, batch {rust['batch']}, {rust['macs_per_sample']} MAC/sample; "
        f"cpu: {rust['cpu']}; gpu: {rust['gpu']}; onnxruntime {ort['onnxruntime']} "
        f"({ort['threads']} intra-op thread{'s' if ort['threads'] != 1 else ''})"
    )
    check = ort["check"]
    exact = all(r["check"].startswith(("= reference", "(defines")) for r in rust["results"])
    print(
        f"checks: evaluator backends {'= reference (bit-exact)' if exact else 'NOT CHECKED'}; "
        "onnxruntime first-layer "
        f"accumulators {'= ours (exact)' if check['layer0_accumulators_equal'] else 'DIFFER FROM OURS'}, "
        f"its float-requantized logits {100 * check['logits_agreement']:.2f}% equal to ours"
    )
    if args.markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|")
        for row in rows:
            print("| " + " | ".join(row) + " |")
    else:
        for row in [header] + rows:
            cells = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:])]
            print("  ".join(cells))
    print("(medians; reference on its --ref-samples; ratio = samples/s / ort u8xs8 +requant's)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
