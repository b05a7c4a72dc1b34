"""Runs check bundles through fused.runtime on PyTorch tensors: every
function that has reference data is called on the tensors' memory (CUDA
tensors on a side stream of PyTorch's on a GPU; CPU tensors on the
emulator), once allocating its outputs and once into outputs the caller
made, and judged against the float64 reference by fused's rule. Needs
only PyTorch, numpy and libfused_runtime ($FUSED_RUNTIME_LIB).

    torch_check.py [--device cuda|emulator] BUNDLE...

Prints one line per function and result ("PASS"/"FAIL") and exits non-zero
on any failure."""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "python"))
import numpy as np  # noqa: E402
import torch  # noqa: E402

from fused import runtime  # noqa: E402

DTYPES = {"f16": torch.float16, "bf16": torch.bfloat16,
          "f32": torch.float32, "f64": torch.float64}


def check_function(program, bundle, name, device):
    ref = bundle.reference(name)
    sig = bundle.signature(name)
    inputs = [torch.from_numpy(np.ascontiguousarray(x)).to(
                  device=device, dtype=DTYPES[dtype])
              for x, (_, dtype) in zip(ref["inputs"], sig["inputs"])]
    stream = torch.cuda.Stream() if device == "cuda" else None
    if stream is not None:
        # The inputs were written on the current stream.
        stream.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(stream):
            got = program(name, *inputs)
            # Into the caller's outputs, poisoned first, on the same stream.
            outs = [torch.full(shape, float("nan"), dtype=DTYPES[dtype],
                               device=device)
                    for shape, dtype in sig["outputs"]]
            program.launch(name, inputs, outs)
        stream.synchronize()
    else:
        got = program(name, *inputs)
        outs = [torch.full(shape, float("nan"), dtype=DTYPES[dtype])
                for shape, dtype in sig["outputs"]]
        program.launch(name, inputs, outs)
    got = list(got) if isinstance(got, tuple) else [got]
    failures = 0
    for i, (a, b, expected, tol) in enumerate(zip(got, outs, ref["outputs"],
                                                  ref["tolerances"])):
        a64 = a.double().cpu().numpy()
        same = torch.equal(a.cpu(), b.cpu()) or (
            torch.isnan(a).all() and torch.isnan(b).all())
        verdict = runtime.compare(a64, expected, tol)
        ok = verdict["passed"] and same
        failures += not ok
        note = "" if same else " (launch into caller's outputs differs)"
        print(f"{name} result {i}: {verdict['summary']}{note} "
              f"{'PASS' if ok else 'FAIL'}", flush=True)
    return failures


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--device", choices=["cuda", "emulator"],
                        default="cuda")
    parser.add_argument("bundles", nargs="+")
    args = parser.parse_args()
    device = "cuda" if args.device == "cuda" else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        print("torch_check: PyTorch has no CUDA device here")
        return 1
    failures = 0
    for path in args.bundles:
        bundle = runtime.Bundle(path)
        program = bundle.load(device=args.device)
        print(f"== {os.path.basename(os.path.normpath(path))}: "
              f"{program.device_name}, {program.image}", flush=True)
        for name in bundle.functions:
            try:
                failures += check_function(program, bundle, name, device)
            except runtime.RuntimeError_ as e:
                failures += 1
                print(f"{name}: {e} FAIL", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
