#!/usr/bin/env python3
"""Peer timings for bench/gpu/run.sh: torch.matmul (cuBLAS) and
torch.nn.functional.scaled_dot_product_attention with its flash and cuDNN
backends, on the shapes of the benchmark bundles; then the table of TFLOP/s
and fused/peer ratios (OUTDIR/table.md) and the charts (OUTDIR/*.png, when
matplotlib is present).

    peers.py INDEX FUSED_RESULTS OUTDIR [--runs N]

INDEX lines: "NAME gemm M N K DTYPE" or "NAME attention B H S D CAUSAL DTYPE"
(bench/gpu/prepare.sh); FUSED_RESULTS lines: the same followed by fused's
TFLOP/s (bench/gpu/run.sh). FLOPs are counted as fused counts them: 2 M N K;
attention 4 D per visible query-key pair (bottom-right causal: with Sq = Skv
the same pairs as PyTorch's is_causal).
"""
import argparse
import os
import sys

import torch


def timed(fn, runs):
    """Median milliseconds of `runs` calls after one warm-up, with events."""
    fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(runs):
        start = torch.cuda.Event(enable_timing=True)
        end = torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end))
    times.sort()
    return times[len(times) // 2]


def dtype_of(name):
    return {"f16": torch.float16, "bf16": torch.bfloat16,
            "f32": torch.float32}[name]


def gemm(m, n, k, dt, runs):
    a = torch.randn(m, k, device="cuda", dtype=dtype_of(dt))
    b = torch.randn(k, n, device="cuda", dtype=dtype_of(dt))
    if dt != "f32":
        ms = timed(lambda: torch.matmul(a, b), runs)
        return {"cuBLAS": 2.0 * m * n * k / ms / 1e9}
    # f32: cuBLAS at f32 accuracy (FFMA), and with TF32 tensor cores
    # (about 2^-11 relative error per product: not the same accuracy).
    peers = {}
    for label, tf32 in (("cuBLAS f32", False), ("cuBLAS tf32", True)):
        torch.backends.cuda.matmul.allow_tf32 = tf32
        ms = timed(lambda: torch.matmul(a, b), runs)
        peers[label] = 2.0 * m * n * k / ms / 1e9
    torch.backends.cuda.matmul.allow_tf32 = False
    return peers


def attention(b, h, s, d, causal, dt, runs):
    q, k, v = (torch.randn(b, h, s, d, device="cuda", dtype=dtype_of(dt))
               for _ in range(3))
    pairs = s * (s + 1) / 2 if causal else s * s
    flops = 4.0 * d * pairs * b * h
    out = {}
    try:
        from torch.nn.attention import SDPBackend, sdpa_kernel
        backends = {"SDPA flash": SDPBackend.FLASH_ATTENTION,
                    "SDPA cuDNN": SDPBackend.CUDNN_ATTENTION}
        for label, backend in backends.items():
            try:
                with sdpa_kernel(backend):
                    ms = timed(lambda: torch.nn.functional.
                               scaled_dot_product_attention(
                                   q, k, v, is_causal=bool(causal)), runs)
                out[label] = flops / ms / 1e9
            except RuntimeError as e:
                out[label] = float("nan")
                print(f"peers: {label} unavailable for {b}x{h}x{s}x{d}: "
                      f"{str(e).splitlines()[0]}", file=sys.stderr)
    except ImportError:
        ms = timed(lambda: torch.nn.functional.scaled_dot_product_attention(
            q, k, v, is_causal=bool(causal)), runs)
        out["SDPA"] = flops / ms / 1e9
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("index")
    ap.add_argument("fused")
    ap.add_argument("outdir")
    ap.add_argument("--runs", type=int, default=20)
    args = ap.parse_args()
    fused = {}
    for line in open(args.fused):
        parts = line.split()
        if parts:
            fused[parts[0]] = float(parts[-1])
    rows = []
    for line in open(args.index):
        parts = line.split()
        if not parts:
            continue
        name, kind, params = parts[0], parts[1], parts[2:]
        try:
            if kind == "gemm":
                m, n, k = map(int, params[:3])
                label = f"GEMM {m}x{n}x{k} {params[3]}"
                peers = gemm(m, n, k, params[3], args.runs)
            else:
                b, h, s, d, causal = map(int, params[:5])
                label = (f"attention D={d} S={s} B={b} H={h} "
                         f"{'causal' if causal else 'full'}")
                peers = attention(b, h, s, d, causal, params[5], args.runs)
        except (RuntimeError, ValueError) as e:
            # One failing shape (out of memory, a backend refusing it) is
            # a gap in the table, not the end of the run.
            print(f"peers: {name}: {str(e).splitlines()[0]}", file=sys.stderr)
            peers = {}
            label = name
        rows.append((name, kind, params, label, fused.get(name, float("nan")),
                     peers))
        best = max((v for v in peers.values() if v == v), default=float("nan"))
        print(f"{label}: fused {fused.get(name, float('nan')):.1f}, "
              + ", ".join(f"{k} {v:.1f}" for k, v in peers.items())
              + f" TFLOP/s; fused/best {fused.get(name, float('nan')) / best:.2f}")

    names = sorted({k for r in rows for k in r[5]})
    with open(os.path.join(args.outdir, "table.md"), "w") as f:
        f.write("| shape | fused | " + " | ".join(names) + " | " +
                " | ".join(f"fused / {n}" for n in names) +
                " | fused / best peer |\n")
        f.write("|---" * (2 * len(names) + 3) + "|\n")
        for _, _, _, label, fz, peers in rows:
            best = max((v for v in peers.values() if v == v),
                       default=float("nan"))
            ratios = [fz / peers[n] if peers.get(n) else float("nan")
                      for n in names]
            f.write(f"| {label} | {fz:.1f} | " +
                    " | ".join(f"{peers.get(n, float('nan')):.1f}"
                               for n in names) + " | " +
                    " | ".join(f"{r:.2f}" for r in ratios) +
                    f" | {fz / best:.2f} |\n")
        f.write("\nTFLOP/s (ratios: fused's TFLOP/s over the peer's); medians "
                "of event-timed launches; nan: not measured.\n")

    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("peers: no matplotlib: no charts", file=sys.stderr)
        return
    for d in (64, 128):
        for causal in (0, 1):
            sel = [r for r in rows if r[1] == "attention" and
                   int(r[2][3]) == d and int(r[2][4]) == causal]
            if not sel:
                continue
            xs = [int(r[2][2]) for r in sel]
            plt.figure(figsize=(6, 4))
            plt.plot(xs, [r[4] for r in sel], marker="o", label="fused")
            for n in names:
                plt.plot(xs, [r[5].get(n, float("nan")) for r in sel],
                         marker="o", label=n)
            plt.xscale("log", base=2)
            plt.xlabel("sequence length")
            plt.ylabel("TFLOP/s")
            plt.title(f"attention forward, D = {d}, "
                      f"{'causal' if causal else 'not causal'}")
            plt.legend()
            plt.grid(alpha=0.3)
            plt.tight_layout()
            plt.savefig(os.path.join(
                args.outdir, f"attention_d{d}_{'causal' if causal else 'full'}.png"))
            plt.close()
    sel = [r for r in rows if r[1] == "gemm"]
    if sel:
        plt.figure(figsize=(6, 4))
        labels = [r[3].replace("GEMM ", "") for r in sel]
        x = range(len(sel))
        plt.bar([i - 0.2 for i in x], [r[4] for r in sel], 0.4, label="fused")
        plt.bar([i + 0.2 for i in x],
                [r[5].get("cuBLAS", float("nan")) for r in sel], 0.4,
                label="cuBLAS")
        plt.xticks(list(x), labels, rotation=20)
        plt.ylabel("TFLOP/s")
        plt.title("GEMM")
        plt.legend()
        plt.tight_layout()
        plt.savefig(os.path.join(args.outdir, "gemm.png"))
        plt.close()


if __name__ == "__main__":
    main()
