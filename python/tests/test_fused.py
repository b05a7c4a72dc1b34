"""The Python package against the float64 reference, on the emulator (or a
GPU where there is one), and its errors."""

import numpy as np
import pytest

import fused

rng = np.random.default_rng(2026)


def randn(*shape, dtype=np.float16):
    return rng.uniform(-1, 1, size=shape).astype(dtype)


def test_attention_gqa_causal_odd_lengths():
    q, k, v = randn(2, 8, 113, 64), randn(2, 2, 203, 64), randn(2, 2, 203, 64)
    out = fused.ops.attention(q, k, v, causal=True, device="emulator")
    ref = fused.ops.attention(q, k, v, causal=True, device="reference")
    assert out.dtype == np.float16 and out.shape == (2, 8, 113, 64)
    assert fused.compare(out, ref, dtype="f16")["passed"]


def test_attention_bf16_with_lse_and_bias():
    q = randn(1, 4, 70, 128, dtype=np.float32)
    k = randn(1, 1, 90, 128, dtype=np.float32)
    v = randn(1, 1, 90, 128, dtype=np.float32)
    bias = randn(70, 90, dtype=np.float32)
    kw = dict(bias=bias, return_lse=True, dtype="bf16", scale=0.1)
    out, lse = fused.ops.attention(q, k, v, device="emulator", **kw)
    ref_out, ref_lse = fused.ops.attention(q, k, v, device="reference", **kw)
    assert out.dtype == np.float32 and lse.shape == (1, 4, 70)
    # The f32 output is judged at bf16's tolerance (P is rounded to bf16),
    # the f32 LSE at f32's.
    assert fused.compare(out, ref_out, dtype="bf16")["passed"]
    assert fused.compare(lse, ref_lse, dtype="f32")["passed"]


def test_f32_attention_and_matmul():
    # float32 arrays are f32 kernels, at f32's tolerance.
    q = randn(1, 2, 37, 64, dtype=np.float32)
    k = randn(1, 1, 53, 64, dtype=np.float32)
    v = randn(1, 1, 53, 64, dtype=np.float32)
    out = fused.ops.attention(q, k, v, causal=True, device="emulator")
    ref = fused.ops.attention(q, k, v, causal=True, device="reference")
    assert out.dtype == np.float32 and out.shape == (1, 2, 37, 64)
    assert fused.compare(out, ref, dtype="f32")["passed"]
    a, b = randn(33, 70, dtype=np.float32), randn(70, 45, dtype=np.float32)
    c = fused.ops.matmul(a, b, device="emulator")
    assert c.dtype == np.float32
    assert fused.compare(c, a.astype(np.float64) @ b.astype(np.float64),
                         dtype="f32")["passed"]


def test_matmul_with_bias_gelu_epilogue():
    a, b = randn(77, 200), randn(200, 129)
    bias = randn(129, dtype=np.float32)
    kw = dict(bias=bias, epilogue="gelu_tanh", out_dtype="f16")
    out = fused.ops.matmul(a, b, device="emulator", **kw)
    ref = fused.ops.matmul(a, b, device="reference", **kw)
    assert out.dtype == np.float16 and out.shape == (77, 129)
    assert fused.compare(out, ref, dtype="f16")["passed"]
    # Against numpy too, in float64.
    x = a.astype(np.float64) @ b.astype(np.float64) + bias
    gelu = 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3)))
    assert fused.compare(out, gelu, dtype="f16")["passed"]


SOURCE = """
func.func @gemm(%a: tensor<64x32xf16>, %b: tensor<32x48xf16>) -> tensor<64x48xf32> {
  %c = fused.matmul %a, %b : tensor<64x32xf16>, tensor<32x48xf16> -> tensor<64x48xf32>
  return %c : tensor<64x48xf32>
}
"""


def test_compile_text_and_call():
    kernel = fused.compile(SOURCE, device="emulator")
    a, b = randn(64, 32), randn(32, 48)
    out = kernel(a, b, device="emulator")
    expected = a.astype(np.float64) @ b.astype(np.float64)
    assert out.dtype == np.float32
    assert fused.compare(out, expected, dtype="f32")["passed"]
    assert fused.relative_error(out, expected) <= 1e-5
    assert kernel.signature["inputs"][0] == {"shape": (64, 32), "dtype": "f16"}


def test_reference_of_ops_without_code_generation():
    src = """
func.func @sm(%x: tensor<3x5xf32>) -> tensor<3x5xf32> {
  %y = fused.softmax %x axis = 1 : tensor<3x5xf32>
  return %y : tensor<3x5xf32>
}
"""
    x = rng.standard_normal((3, 5)).astype(np.float32)
    y = fused.reference(src, x)
    e = np.exp(x.astype(np.float64) - x.max(axis=1, keepdims=True))
    assert fused.compare(y, e / e.sum(axis=1, keepdims=True), rtol=1e-6)["passed"]


def test_cache_serves_a_second_compile(tmp_path, monkeypatch):
    monkeypatch.setenv("FUSED_CACHE_DIR", str(tmp_path))
    assert fused.cache_directory() == str(tmp_path)
    first = fused.compile(SOURCE, device="emulator")
    second = fused.compile(SOURCE, device="emulator")
    assert not first.from_cache and second.from_cache
    a, b = randn(64, 32), randn(32, 48)
    assert np.array_equal(first(a, b, device="emulator"),
                          second(a, b, device="emulator"))
    assert fused.clear_cache() == 1
    assert not fused.compile(SOURCE, device="emulator").from_cache


def test_malformed_mlir_raises_with_the_diagnostic():
    with pytest.raises(fused.FusedError, match=r"<source>:2:\d+: error"):
        fused.compile("func.func @f(%x: tensor<4xf32>) {\n  %y = fused.nope\n}")


def test_unsupported_kernel_raises():
    src = SOURCE.replace("f16", "f8E4M3FN")
    with pytest.raises(fused.FusedError,
                       match="supports f16, bf16 and f32 matmul operands"):
        fused.compile(src, device="emulator")


def test_bad_inputs_raise():
    kernel = fused.compile(SOURCE, device="emulator")
    with pytest.raises(fused.FusedError, match=r"must have shape \(64, 32\)"):
        kernel(randn(32, 64), randn(32, 48), device="emulator")
    with pytest.raises(fused.FusedError, match="takes 2 inputs, got 1"):
        kernel(randn(64, 32), device="emulator")
    with pytest.raises(fused.FusedError, match="cannot use an array of dtype"):
        kernel(np.array([["a"] * 32] * 64), randn(32, 48), device="emulator")
    with pytest.raises(fused.FusedError, match="unknown device 'tpu'"):
        kernel(randn(64, 32), randn(32, 48), device="tpu")


def test_bad_builder_arguments_raise():
    q = randn(1, 1, 16, 64, dtype=np.float64)
    with pytest.raises(fused.FusedError,
                       match="inputs must be float16 or float32 arrays"):
        fused.ops.attention(q, q, q)
    with pytest.raises(fused.FusedError, match="unknown epilogue 'swish'"):
        fused.ops.matmul(randn(16, 16), randn(16, 16), epilogue="swish")
    with pytest.raises(fused.FusedError, match="head dimensions that are "
                                               "multiples of 16"):
        h = randn(1, 1, 16, 40)
        fused.ops.attention(h, h, h, device="emulator")
    with pytest.raises(fused.FusedError, match="head dimension mismatch: 'query' has D = 64 but 'key' has D = 32"):
        fused.ops.attention(randn(1, 1, 16, 64), randn(1, 1, 16, 32),
                            randn(1, 1, 16, 64), device="emulator")


def test_no_gpu_is_an_error_not_a_crash():
    if fused.devices() == "cuda":
        pytest.skip("a GPU is present")
    with pytest.raises(fused.FusedError, match="no CUDA driver found"):
        fused.compile(SOURCE, device="emulator")(randn(64, 32), randn(32, 48),
                                                 device="cuda")


def test_readme_example_runs():
    import os
    import subprocess
    import sys
    root = os.path.join(os.path.dirname(__file__), "..", "..")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    r = subprocess.run([sys.executable,
                        os.path.join(root, "examples", "attention.py")],
                       capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    err = float(r.stdout.split("relative error")[1])
    assert r.stdout.startswith("attention on ") and err <= 2e-3


def test_compare_is_the_elementwise_rule_of_check():
    ref = np.array([[10.0, 1.0], [-2.0, 0.0]])
    ok = fused.compare(ref, ref, rtol=0.01)
    assert ok["passed"] and ok["failures"] == 0 and ok["atol"] == 0.1
    # [1, 1] is 0.2 off where 0.1 is allowed: one failure, named as the worst,
    # although the relative norm (about 0.02) is inside the tolerance.
    out = np.array([[10.0, 1.105], [-2.0, 0.2]])
    c = fused.compare(out, ref, rtol=0.01)
    assert not c["passed"] and c["failures"] == 1 and c["worst_index"] == 3
    assert c["relative_error"] < 0.03
    assert "1 of 4 elements" in c["summary"] and "[1, 1]" in c["summary"]
    # NaN where the reference is finite fails at any tolerance.
    assert not fused.compare(np.array([np.nan, 1.0]), np.array([0.0, 1.0]),
                             rtol=1e9)["passed"]
    # The default tolerance is the dtype's.
    assert fused.compare(ref, ref, dtype="bf16")["rtol"] == 1e-2
    # An f16 result is +inf where the reference is beyond f16's range.
    big = np.array([1.2e6, 0.5])
    assert fused.compare(np.array([np.inf, 0.5]), big, dtype="f16")["passed"]
    assert not fused.compare(np.array([np.inf, 0.5]), big,
                             dtype="f32")["passed"]
    with pytest.raises(fused.FusedError):
        fused.compare(np.zeros(3), np.zeros(4))


def test_runtime_runs_a_bundle_without_the_compiler(tmp_path):
    """fused.runtime (ctypes over libfused_runtime.so) runs a bundle on the
    emulator against the reference stored in it."""
    import os
    import subprocess
    from fused import runtime
    build = os.environ.get("FUSED_BUILD_DIR", os.path.join(
        os.path.dirname(__file__), "..", "..", "build"))
    os.environ.setdefault("FUSED_RUNTIME_LIB",
                          os.path.join(build, "lib", "libfused_runtime.so"))
    src = tmp_path / "gemm.mlir"
    src.write_text(SOURCE)
    bundle_dir = tmp_path / "gemm.bundle"
    subprocess.run([os.path.join(build, "bin", "fused-compile"),
                    "--emit=bundle", "--with-reference", "--seed=5",
                    str(src), "-o", str(bundle_dir)], check=True)
    bundle = runtime.Bundle(str(bundle_dir))
    assert bundle.functions == ["gemm"]
    sig = bundle.signature("gemm")
    assert sig["inputs"] == [((64, 32), "f16"), ((32, 48), "f16")]
    assert sig["outputs"] == [((64, 48), "f32")]
    program = bundle.load(device="emulator")
    assert program.backend == "emulator" and program.image == "emulator image"
    a = np.load(bundle_dir / "gemm.in0.npy")
    b = np.load(bundle_dir / "gemm.in1.npy")
    out = program("gemm", a, b)
    assert out.dtype == np.float32 and out.shape == (64, 48)
    assert fused.compare(out, np.load(bundle_dir / "gemm.ref0.npy"),
                         dtype="f32")["passed"]
    with pytest.raises(runtime.RuntimeError_, match="must have shape"):
        program("gemm", a[:3], b)
    with pytest.raises(runtime.RuntimeError_, match="no function named"):
        bundle.signature("nope")
    with pytest.raises(runtime.RuntimeError_, match="not a fused bundle"):
        runtime.Bundle(str(tmp_path))


def test_rowwise_reduction_transpose_and_rope_ops():
    """fused.ops' memory-bound kernels on the emulator against the float64
    reference, at sizes that are not multiples of anything."""
    x = randn(7, 1000, dtype=np.float32)
    g, b = randn(1000, dtype=np.float32), randn(1000, dtype=np.float32)
    cases = [
        (fused.ops.softmax, (x,), {}, "f32"),
        (fused.ops.layernorm, (randn(5, 768),), {}, "f16"),
        (fused.ops.layernorm, (x,), dict(weight=g, bias=b, eps=1e-5), "f32"),
        (fused.ops.rmsnorm, (x,), dict(weight=g), "f32"),
        (fused.ops.reduce, (x,), dict(kind="max", axis=0, keepdim=True),
         "f32"),
        (fused.ops.reduce, (randn(3, 9, 13),), dict(kind="sum", axis=1),
         "f16"),
        (fused.ops.transpose, (randn(33, 65),), dict(permutation=(1, 0)),
         "f16"),
        (fused.ops.rope, (randn(2, 3, 17, 64), randn(17, 32, dtype=np.float32),
                          randn(17, 32, dtype=np.float32)), {}, "f16"),
        (fused.ops.rope, (randn(17, 40, dtype=np.float32),
                          randn(17, 12, dtype=np.float32),
                          randn(17, 12, dtype=np.float32)),
         dict(interleaved=True), "f32"),
    ]
    for fn, args, kw, dt in cases:
        out = fn(*args, device="emulator", **kw)
        ref = fn(*args, device="reference", **kw)
        assert out.shape == ref.shape, fn.__name__
        assert fused.compare(out, ref, dtype=dt)["passed"], (fn.__name__, kw)
    assert fused.ops.transpose(np.arange(6, dtype=np.float32).reshape(2, 3),
                               (1, 0), device="emulator")[0, 1] == 3.0
    # RoPE by hand: the pair (x0, x2) of a row at angle t rotates by t.
    t = 0.5
    x = np.array([[1.0, 0.0, 0.0, 0.0]], dtype=np.float32)
    c = np.array([[np.cos(t), 1.0]], dtype=np.float32)
    s = np.array([[np.sin(t), 0.0]], dtype=np.float32)
    y = fused.ops.rope(x, c, s, device="emulator")
    assert np.allclose(y, [[np.cos(t), 0.0, np.sin(t), 0.0]], atol=1e-6)
    with pytest.raises(fused.FusedError, match="unknown reduction"):
        fused.ops.reduce(x, kind="mean")
    with pytest.raises(fused.FusedError, match="float16 or float32"):
        fused.ops.softmax(np.zeros((2, 2), dtype=np.int32))


DYNAMIC_SOURCE = """
func.func @norm(%x: tensor<?x96xf16>, %r: tensor<?x96xf16>,
                %w: tensor<96xf32>) -> tensor<?x96xf16> {
  %h = fused.add %x, %r : tensor<?x96xf16>, tensor<?x96xf16> -> tensor<?x96xf16>
  %y = fused.rmsnorm %h weight(%w : tensor<96xf32>) : tensor<?x96xf16>
  %g = fused.silu %y : tensor<?x96xf16>
  return %g : tensor<?x96xf16>
}
"""


def test_dynamic_rows_one_compile_many_sizes():
    kernel = fused.compile(DYNAMIC_SOURCE, device="emulator", cache=False)
    assert kernel.signature["inputs"][0]["shape"] == (None, 96)
    for rows in (1, 7, 130):
        x, r, w = randn(rows, 96), randn(rows, 96), randn(96, dtype=np.float32)
        out = kernel(x, r, w, device="emulator")
        assert out.shape == (rows, 96)
        assert fused.compare(out, kernel.reference(x, r, w), dtype="f16")["passed"]


def test_dynamic_sizes_that_disagree_raise():
    kernel = fused.compile(DYNAMIC_SOURCE, device="emulator", cache=False)
    w = randn(96, dtype=np.float32)
    with pytest.raises(fused.FusedError,
                       match=r"input 1 dimension 0 is 5, expected s0 = 4"):
        kernel(randn(4, 96), randn(5, 96), w, device="emulator")
    with pytest.raises(fused.FusedError, match=r"must have shape \(None, 96\)"):
        kernel(randn(4, 95), randn(4, 95), w, device="emulator")


def test_threads_at_once_give_the_results_of_one_at_a_time():
    # Different ops compiled (through the shared kernel cache) and run on
    # the emulator from several Python threads at once: the same results,
    # bit for bit, as the same calls one after the other.
    from concurrent.futures import ThreadPoolExecutor
    x, g = randn(9, 300), randn(300)
    a, b = randn(40, 72), randn(72, 24)
    q, k, v = randn(1, 2, 20, 32), randn(1, 1, 30, 32), randn(1, 1, 30, 32)
    calls = [
        lambda: fused.ops.softmax(x, device="emulator"),
        lambda: fused.ops.layernorm(x, weight=g, device="emulator"),
        lambda: fused.ops.matmul(a, b, device="emulator"),
        lambda: fused.ops.attention(q, k, v, causal=True, device="emulator"),
    ] * 2
    alone = [c() for c in calls]
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        together = list(pool.map(lambda c: c(), calls))
    for one, other in zip(alone, together):
        assert one.dtype == other.dtype and one.shape == other.shape
        assert np.array_equal(one, other)
