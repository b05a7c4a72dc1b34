#!/usr/bin/env python3
"""The attention test matrix on the emulator, against the float64 reference.

Writes one MLIR function per configuration and runs them with
`fused-compile --run --device=emulator --check`:

    B in {1, 2}; (Hq, Hkv) in {(4,4), (8,2), (4,1)};
    (Sq, Skv) in {(1,1), (1,513), (64,64), (113,203), (128,217), (256,512),
                  (512,256), (1023,1024)};
    D in {64, 128}; causal off and on; f16 and bf16 (LSE returned too).

    scripts/attention_matrix.py                 # the whole matrix (384 cases)
    scripts/attention_matrix.py --subset        # the CI subset
    scripts/attention_matrix.py --write FILE    # write the functions only

Tolerances and the elementwise rule are fused-compile's (per result: O at
2e-3 for f16 and 1e-2 for bf16, the f32 LSE at 1e-5); NaN fails, and
any out-of-bounds access, race or uninitialised read fails the launch.
Exit status: 0 when every case passes.
"""
import argparse
import itertools
import os
import subprocess
import sys
import tempfile

BATCHES = [1, 2]
HEADS = [(4, 4), (8, 2), (4, 1)]
SEQS = [(1, 1), (1, 513), (64, 64), (113, 203), (128, 217), (256, 512),
        (512, 256), (1023, 1024)]
DIMS = [64, 128]
CAUSAL = [False, True]
TYPES = ["f16", "bf16"]


def function(name, b, hq, hkv, sq, skv, d, dt, causal):
    q = f"tensor<{b}x{hq}x{sq}x{d}x{dt}>"
    kv = f"tensor<{b}x{hkv}x{skv}x{d}x{dt}>"
    lse = f"tensor<{b}x{hq}x{sq}xf32>"
    attrs = " {causal}" if causal else ""
    return (f"func.func @{name}(%q: {q}, %k: {kv}, %v: {kv}) -> ({q}, {lse}) {{\n"
            f"  %o, %l = fused.attention %q, %k, %v{attrs} : {q}, {kv}, {kv} -> {q}, {lse}\n"
            f"  return %o, %l : {q}, {lse}\n}}\n")


# The CI subset: every sequence pair, head grouping, head dim, mask and
# type at least once, batch 2 in three cases.
SUBSET = [
    (1, (4, 4), (1, 1), 64, False, "f16"),
    (1, (8, 2), (1, 513), 128, True, "bf16"),
    (2, (8, 2), (1, 513), 64, False, "f16"),
    (2, (4, 1), (64, 64), 64, True, "f16"),
    (1, (4, 4), (113, 203), 128, False, "bf16"),
    (2, (8, 2), (113, 203), 64, True, "f16"),
    (1, (4, 1), (128, 217), 64, False, "bf16"),
    (1, (8, 2), (128, 217), 128, True, "f16"),
    (1, (4, 4), (256, 512), 64, True, "bf16"),
    (1, (4, 1), (512, 256), 128, True, "f16"),
    (1, (4, 4), (512, 256), 64, False, "bf16"),
    (1, (4, 1), (1023, 1024), 64, False, "f16"),
]


def cases(subset):
    for b, (hq, hkv), (sq, skv), d, causal, dt in itertools.product(
            BATCHES, HEADS, SEQS, DIMS, CAUSAL, TYPES):
        if subset and (b, (hq, hkv), (sq, skv), d, causal, dt) not in SUBSET:
            continue
        name = (f"b{b}_h{hq}x{hkv}_s{sq}x{skv}_d{d}_"
                f"{'causal' if causal else 'full'}_{dt}")
        yield name, function(name, b, hq, hkv, sq, skv, d, dt, causal)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--subset", action="store_true")
    ap.add_argument("--write", metavar="FILE")
    ap.add_argument("--tool", default=os.path.join(
        os.environ.get("FUSED_BUILD_DIR",
                       os.path.join(os.path.dirname(__file__), "..", "build")),
        "bin", "fused-compile"))
    ap.add_argument("--seed", default="0")
    args = ap.parse_args()
    chosen = list(cases(args.subset))
    text = "".join(f for _, f in chosen)
    if args.write:
        with open(args.write, "w") as f:
            f.write(text)
        return 0
    failed = 0
    # One fused-compile call per batch of functions keeps the JIT cost low.
    for start in range(0, len(chosen), 16):
        chunk = chosen[start:start + 16]
        with tempfile.NamedTemporaryFile("w", suffix=".mlir",
                                         delete=False) as f:
            f.write("".join(fn for _, fn in chunk))
        r = subprocess.run([args.tool, "--run", "--device=emulator", "--check",
                            f"--seed={args.seed}", f.name],
                           capture_output=True, text=True)
        os.unlink(f.name)
        lines = [l for l in r.stdout.splitlines() if "relative error" in l]
        for l in lines:
            print(l)
        passed = sum("PASS" in l for l in lines)
        if r.returncode != 0 or passed != 2 * len(chunk):
            failed += len(chunk)
            sys.stderr.write(r.stderr)
    total = len(chosen)
    print(f"attention matrix: {total - failed} of {total} cases passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
