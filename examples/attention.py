# Attention from Python in a handful of lines: runs on a GPU when there is
# one, else on the emulator, and prints the match against the float64
# reference. Run: PYTHONPATH=build/python python3 examples/attention.py
import numpy as np
import fused

q, k, v = (np.random.default_rng(0).uniform(-1, 1, (1, 8, 256, 64)).astype(np.float16) for _ in range(3))
out = fused.ops.attention(q, k, v, causal=True)
ref = fused.ops.attention(q, k, v, causal=True, device="reference")
print(f"attention on {fused.devices()}: relative error {fused.relative_error(out, ref):.2e}")
