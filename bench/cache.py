#!/usr/bin/env python3
"""Kernel-cache benchmark: median wall time of fused.compile for the
built-in example's attention and GEMM (examples/model.mlir), cold (cache
cleared before each compile) and cached (served from the cache).

    bench/cache.py [runs] [target]      # default: 5 runs, emulator target
"""
import os
import statistics
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.environ.get("FUSED_BUILD_DIR",
                                               os.path.join(ROOT, "build")),
                                "python"))
os.environ["FUSED_CACHE_DIR"] = tempfile.mkdtemp(prefix="fused-cache-bench-")
import fused  # noqa: E402

runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
target = sys.argv[2] if len(sys.argv) > 2 else "emulator"
source = open(os.path.join(ROOT, "examples", "model.mlir")).read()


def timed(clear):
    if clear:
        fused.clear_cache()
    start = time.perf_counter()
    kernel = fused.compile(source, device=target)
    elapsed = time.perf_counter() - start
    assert kernel.from_cache == (not clear)
    return elapsed


cold = [timed(True) for _ in range(runs)]
warm = [timed(False) for _ in range(runs)]
c, w = statistics.median(cold), statistics.median(warm)
print(f"cold compile:   median {c * 1e3:8.1f} ms of {runs}")
print(f"cached compile: median {w * 1e3:8.1f} ms of {runs}")
print(f"speed-up: {c / w:.1f}x")
