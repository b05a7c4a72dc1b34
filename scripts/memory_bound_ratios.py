#!/usr/bin/env python3
"""Global memory traffic of memory-bound kernels against the minimum.

Runs every function of an MLIR file on the emulator against the float64
reference (`fused-compile --run --device=emulator --counters --check`;
a failed check fails the script) and, per function,
sums its kernels' 32-byte sectors (loads and stores, x 32 bytes: what L2
serves) and compares them with the minimum: each argument read once and
each result written once (the bytes of the function's tensor types). It
also sums the excess sectors (transferred beyond those the requested bytes
need) and the shared-memory excess wavefronts (bank conflicts).

A function passes when its ratio is at most its bound (1.05 unless a
`// bound: X (reason)` line precedes it) and, unless its bound line says
`excess`, it has no excess sectors and no bank conflicts. Prints a
markdown table; exit status 1 when any function fails.

    scripts/memory_bound_ratios.py FILE.mlir [--tool fused-compile] [--chip sm_80]
"""
import argparse
import os
import re
import subprocess
import sys

BYTES = {"f16": 2, "bf16": 2, "f32": 4, "f64": 8, "i32": 4, "i8": 1}


def tensor_bytes(t):
    """The bytes of a static tensor type; None for a dynamic one."""
    m = re.match(r"tensor<((?:\d+x)*)(\w+)>", t)
    if not m:
        return None
    n = 1
    for d in m.group(1).split("x"):
        if d:
            n *= int(d)
    return n * BYTES[m.group(2)]


def functions(text):
    """(name, minimum bytes, bound, excess allowed) per function."""
    out = []
    bound, excess = 1.05, False
    for line in text.splitlines():
        b = re.match(r"\s*//+\s*bound:\s*([0-9.]+)(.*)", line)
        if b:
            bound = float(b.group(1))
            excess = "excess" in b.group(2)
            continue
        f = re.match(r"func\.func @(\w+)\((.*)\) -> (.*) \{", line)
        if f:
            types = re.findall(r"tensor<[^>]*>", f.group(2) + " " + f.group(3))
            sizes = [tensor_bytes(t) for t in types]
            out.append((f.group(1),
                        None if None in sizes else sum(sizes), bound, excess))
            bound, excess = 1.05, False
    return out


def counters(report):
    """Per function: sectors moved, excess sectors, excess wavefronts."""
    per = {}
    fn = None
    for line in report.splitlines():
        h = re.match(r"@(\w+) \S+ counters:", line)
        if h:
            fn = h.group(1)
            per.setdefault(fn, [0, 0, 0])
            continue
        g = re.match(r"\s+global (?:loads|stores): \d+ requests, (\d+) sectors "
                     r"\(ideal (\d+), excess (\d+)\)", line)
        if g and fn:
            per[fn][0] += int(g.group(1))
            per[fn][1] += int(g.group(3))
        w = re.match(r"\s+(?:shared loads|shared stores|ldmatrix|cp\.async "
                     r"shared writes): \d+ requests, \d+ wavefronts \(ideal "
                     r"\d+, excess (\d+)\)", line)
        if w and fn:
            per[fn][2] += int(w.group(1))
    return per


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("file")
    ap.add_argument("--tool", default=os.path.join(
        os.environ.get("FUSED_BUILD_DIR",
                       os.path.join(os.path.dirname(__file__), "..", "build")),
        "bin", "fused-compile"))
    ap.add_argument("--chip", default="sm_80")
    args = ap.parse_args()
    r = subprocess.run([args.tool, "--run", "--device=emulator", "--counters", "--check",
                        f"--chip={args.chip}", args.file],
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.stderr.write(r.stdout + r.stderr)
        return 1
    per = counters(r.stdout)
    failed = 0
    print("| function | bytes moved / minimum | bound | excess sectors | "
          "bank conflicts | |")
    print("|---|---|---|---|---|---|")
    for name, minimum, bound, excess in functions(open(args.file).read()):
        if minimum is None:
            print(f"| {name} | - | - | - | - | dynamic shapes: not measured |")
            continue
        sectors, extra, conflicts = per.get(name, (0, 0, 0))
        # A function whose kernels moved nothing was not measured: a fail.
        ratio = sectors * 32 / minimum if minimum and sectors else float("nan")
        ok = ratio <= bound and (excess or (extra == 0 and conflicts == 0))
        failed += not ok
        print(f"| {name} | {ratio:.3f} | {bound:.2f} | {extra} | {conflicts} "
              f"| {'ok' if ok else 'OVER'} |")
    print(f"memory-bound ratios: {failed} over their bound")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
