"""fused.runtime on memory the caller owns (Program.launch, PyTorch tensors,
DLPack) on the emulator, against the float64 reference the bundle stores
and against the copying call, and the errors it gives for bad arguments."""

import ctypes
import json
import os
import subprocess

import numpy as np
import pytest

import fused
from fused import runtime

BUILD = os.environ.get("FUSED_BUILD_DIR", os.path.join(
    os.path.dirname(__file__), "..", "..", "build"))
os.environ.setdefault("FUSED_RUNTIME_LIB",
                      os.path.join(BUILD, "lib", "libfused_runtime.so"))

# @chain passes a 40x48 f16 product between two kernels (a workspace);
# @square takes two inputs of one shape, so one array can be both; @heads
# passes views (a reshape, slices) between kernels and returns a reshape
# of a kernel's result.
SOURCE = """
func.func @chain(%a: tensor<40x32xf16>, %b: tensor<32x48xf16>,
                 %c: tensor<48x24xf16>) -> tensor<40x24xf32> {
  %x = fused.matmul %a, %b : tensor<40x32xf16>, tensor<32x48xf16>
       -> tensor<40x48xf16>
  %y = fused.matmul %x, %c : tensor<40x48xf16>, tensor<48x24xf16>
       -> tensor<40x24xf32>
  return %y : tensor<40x24xf32>
}
func.func @square(%a: tensor<48x48xf16>, %b: tensor<48x48xf16>)
    -> tensor<48x48xf32> {
  %y = fused.matmul %a, %b : tensor<48x48xf16>, tensor<48x48xf16>
       -> tensor<48x48xf32>
  return %y : tensor<48x48xf32>
}
func.func @heads(%x: tensor<24x32xf16>, %w: tensor<32x48xf16>)
    -> (tensor<1x2x24x8xf16>, tensor<24x48xf16>) {
  %m = fused.matmul %x, %w : tensor<24x32xf16>, tensor<32x48xf16>
       -> tensor<24x48xf16>
  %r = fused.reshape %m : tensor<24x48xf16> to tensor<24x3x2x8xf16>
  %t = fused.transpose %r permutation = [1, 2, 0, 3]
       : tensor<24x3x2x8xf16> -> tensor<3x2x24x8xf16>
  %k = fused.slice %t offsets = [1, 0, 0, 0]
       : tensor<3x2x24x8xf16> to tensor<1x2x24x8xf16>
  %e = fused.exp %k : tensor<1x2x24x8xf16>
  %back = fused.reshape %t : tensor<3x2x24x8xf16> to tensor<24x48xf16>
  return %e, %back : tensor<1x2x24x8xf16>, tensor<24x48xf16>
}
func.func @argview(%x: tensor<3x32x40xf16>, %w: tensor<40x24xf16>)
    -> tensor<32x24xf32> {
  %s = fused.slice %x offsets = [1, 0, 0]
       : tensor<3x32x40xf16> to tensor<1x32x40xf16>
  %r = fused.reshape %s : tensor<1x32x40xf16> to tensor<32x40xf16>
  %y = fused.matmul %r, %w : tensor<32x40xf16>, tensor<40x24xf16>
       -> tensor<32x24xf32>
  return %y : tensor<32x24xf32>
}
func.func @bf(%a: tensor<33x64xbf16>, %b: tensor<64x17xbf16>)
    -> tensor<33x17xbf16> {
  %y = fused.matmul %a, %b : tensor<33x64xbf16>, tensor<64x17xbf16>
       -> tensor<33x17xbf16>
  return %y : tensor<33x17xbf16>
}
"""

rng = np.random.default_rng()


def compile_bundle(tmp, source, *flags):
    """`source` compiled by fused-compile to a bundle with reference data
    in `tmp`."""
    src = tmp / "m.mlir"
    src.write_text(source)
    out = tmp / "m.bundle"
    subprocess.run([os.path.join(BUILD, "bin", "fused-compile"),
                    "--emit=bundle", "--with-reference", *flags,
                    str(src), "-o", str(out)], check=True)
    return out


@pytest.fixture(scope="module")
def bundle_dir(tmp_path_factory):
    seed = int(rng.integers(1, 2**31))
    return compile_bundle(tmp_path_factory.mktemp("launch"), SOURCE,
                          f"--seed={seed}")


@pytest.fixture(scope="module")
def program(bundle_dir):
    return runtime.Bundle(str(bundle_dir)).load(device="emulator")


def reference(bundle_dir, function):
    """The stored inputs, float64 reference outputs and tolerances."""
    ref = runtime.Bundle(str(bundle_dir)).reference(function)
    return ref["inputs"], ref["outputs"], ref["tolerances"]


def test_reference_data_and_the_comparison_rule(bundle_dir):
    manifest = json.loads((bundle_dir / "manifest.json").read_text())
    f = next(f for f in manifest["functions"] if f["name"] == "chain")
    inputs, refs, tols = reference(bundle_dir, "chain")
    assert tols == f["reference"]["tolerances"]
    for got, name in zip(inputs + refs,
                         f["reference"]["inputs"] + f["reference"]["outputs"]):
        assert np.array_equal(got, np.load(bundle_dir / name))
    # runtime.compare is the rule fused.compare applies.
    ref = refs[0]
    for out in (ref * (1 + 1e-4), ref + 1e-2, np.where(ref > 0.5, np.nan,
                                                       ref)):
        mine = runtime.compare(out, ref, tols[0])
        theirs = fused.compare(out, ref, rtol=tols[0])
        assert mine["passed"] == theirs["passed"]
        assert mine["summary"] == theirs["summary"]
    assert runtime.compare(ref, ref, tols[0])["passed"]
    assert not runtime.compare(ref + 1.0, ref, tols[0])["passed"]
    expect_error(r"shapes differ", runtime.compare, ref[:3], ref, 1e-3)
    expect_error(r"rtol must be >= 0", runtime.compare, ref, ref, -1.0)
    plain = tmp_bundle_without_reference(bundle_dir)
    expect_error(r"@chain has no reference data in the bundle",
                 runtime.Bundle(str(plain)).reference, "chain")


def tmp_bundle_without_reference(bundle_dir):
    out = bundle_dir.parent / "plain.bundle"
    if not out.exists():
        subprocess.run([os.path.join(BUILD, "bin", "fused-compile"),
                        "--emit=bundle", str(bundle_dir.parent / "m.mlir"),
                        "-o", str(out)], check=True)
    return out


def test_torch_check_script_on_the_emulator(bundle_dir):
    """bench/gpu/torch_check.py, which run.sh uses on a GPU, passes here on
    CPU tensors and the emulator."""
    pytest.importorskip("torch")
    script = os.path.join(os.path.dirname(__file__), "..", "..", "bench",
                          "gpu", "torch_check.py")
    r = subprocess.run(["/usr/bin/python3", script, "--device=emulator",
                        str(bundle_dir)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    lines = [l for l in r.stdout.splitlines() if l.endswith("PASS")]
    assert len(lines) == 6, r.stdout  # one per function result


def aligned_empty(shape, dtype, offset=0):
    """An array whose address is 256-byte aligned plus `offset` bytes."""
    n = int(np.prod(shape)) * np.dtype(dtype).itemsize
    raw = np.empty(n + 512, dtype=np.uint8)
    start = (-raw.ctypes.data) % 256 + offset
    return raw[start:start + n].view(dtype).reshape(shape)


def poisoned(shape, dtype):
    out = aligned_empty(shape, dtype)
    out[...] = np.nan
    return out


def test_launch_runs_on_numpy_memory_with_a_workspace(bundle_dir, program):
    # The f16 intermediate, rounded up to 256 bytes.
    assert program.workspace_size("chain") == 40 * 48 * 2
    assert program.bundle.alignments("chain") == {"inputs": [16, 16, 16],
                                                 "outputs": [16]}
    inputs, refs, tols = reference(bundle_dir, "chain")
    out = poisoned((40, 24), np.float32)
    assert program.launch("chain", inputs, [out])[0] is out
    assert fused.compare(out, refs[0], rtol=tols[0])["passed"]
    # Bit for bit what the copying call returns, on fresh inputs too.
    assert np.array_equal(program("chain", *inputs), out)
    fresh = [rng.uniform(-1, 1, x.shape).astype(np.float16) for x in inputs]
    out2 = poisoned((40, 24), np.float32)
    ws = aligned_empty((program.workspace_size("chain"),), np.uint8)
    program.launch("chain", fresh, [out2], workspace=ws)
    assert np.array_equal(program("chain", *fresh), out2)
    assert not np.isnan(out2).any()


def test_views_on_caller_memory(bundle_dir, program):
    # Only the GEMM's result is an intermediate: the transpose writes the
    # second output (returned as a reshape), which the slice views.
    assert program.workspace_size("heads") == 24 * 48 * 2
    # The reshaped output is the transpose's buffer: its alignment.
    assert program.bundle.alignments("heads")["outputs"] == [16, 16]
    inputs, refs, tols = reference(bundle_dir, "heads")
    outs = [poisoned((1, 2, 24, 8), np.float16), poisoned((24, 48), np.float16)]
    program.launch("heads", inputs, outs)
    for out, ref, tol in zip(outs, refs, tols):
        assert fused.compare(out, ref, rtol=tol)["passed"]
    copied = program("heads", *inputs)
    assert all(np.array_equal(a, b) for a, b in zip(copied, outs))
    # A view of an argument: the GEMM reads the caller's memory from the
    # second row block on.
    inputs, refs, tols = reference(bundle_dir, "argview")
    out = poisoned((32, 24), np.float32)
    program.launch("argview", inputs, [out])
    assert fused.compare(out, refs[0], rtol=tols[0])["passed"]


def test_one_array_may_be_two_inputs(program):
    x = rng.uniform(-1, 1, (48, 48)).astype(np.float16)
    out = poisoned((48, 48), np.float32)
    program.launch("square", [x, x], [out])
    ref = x.astype(np.float64) @ x.astype(np.float64)
    assert fused.compare(out, ref, dtype="f32")["passed"]
    assert np.array_equal(program("square", x, x), out)


class DLPackOnly:
    """Memory reachable only through the DLPack protocol."""

    def __init__(self, array):
        self.array = array

    def __dlpack__(self, stream=None):
        return self.array.__dlpack__()

    def __dlpack_device__(self):
        return self.array.__dlpack_device__()


def test_dlpack_objects(bundle_dir, program):
    inputs, refs, tols = reference(bundle_dir, "chain")
    out = poisoned((40, 24), np.float32)
    program.launch("chain", [DLPackOnly(x) for x in inputs],
                   [DLPackOnly(out)])
    assert fused.compare(out, refs[0], rtol=tols[0])["passed"]
    out3 = poisoned((40, 24), np.float32)
    program.launch("chain", [x.__dlpack__() for x in inputs],
                   [out3.__dlpack__()])
    assert np.array_equal(out, out3)


def expect_error(pattern, fn, *args, **kw):
    with pytest.raises(runtime.RuntimeError_, match=pattern):
        fn(*args, **kw)


def test_bad_arguments_are_refused_before_any_launch(bundle_dir, program):
    inputs, _, _ = reference(bundle_dir, "chain")
    a, b, c = inputs
    out = poisoned((40, 24), np.float32)
    launch = program.launch
    expect_error(r"takes 3 inputs and returns 1 outputs; got 2 and 1",
                 launch, "chain", [a, b], [out])
    expect_error(r"no function named 'nope'", launch, "nope", [a], [out])
    expect_error(r"input 1 of @chain \(f16\[32, 48\]\) must be f16, got "
                 r"float32", launch, "chain", [a, b.astype(np.float32), c],
                 [out])
    expect_error(r"output 0 of @chain \(f32\[40, 24\]\) must have shape "
                 r"\(40, 24\), got \(24, 40\)", launch, "chain", inputs,
                 [poisoned((24, 40), np.float32)])
    expect_error(r"input 0 of @chain \(f16\[40, 32\]\) must be contiguous "
                 r"\(row-major\), got strides \(1, 40\)", launch, "chain",
                 [np.asfortranarray(a), b, c], [out])
    expect_error(r"output 0 of @chain \(f32\[40, 24\]\) must be 16-byte "
                 r"aligned, its address 0x[0-9a-f]+ is not", launch, "chain",
                 inputs, [aligned_empty((40, 24), np.float32, offset=4)])
    frozen = poisoned((40, 24), np.float32)
    frozen.flags.writeable = False
    expect_error(r"output 0 of @chain \(f32\[40, 24\]\) is read-only",
                 launch, "chain", inputs, [frozen])
    expect_error(r"input 2 of @chain: a list is not a tensor fused can run "
                 r"on", launch, "chain", [a, b, c.tolist()], [out])
    # An output that shares memory with an input: refused by the runtime.
    shared = aligned_empty((40 * 24 * 4,), np.uint8)
    out_view = shared.view(np.float32).reshape(40, 24)
    a_view = shared[:40 * 32 * 2].view(np.float16).reshape(40, 32)
    a_view[...] = a
    expect_error(r"input 0 and output 0 of @chain overlap", launch, "chain",
                 [a_view, b, c], [out_view])
    # Workspaces: too small, misaligned.
    expect_error(r"@chain needs a workspace of 3840 bytes, got 100 bytes",
                 launch, "chain", inputs, [out],
                 workspace=aligned_empty((100,), np.uint8))
    expect_error(r"the workspace of @chain must be 256-byte aligned",
                 launch, "chain", inputs, [out],
                 workspace=aligned_empty((4096,), np.uint8, offset=16))
    # Nothing ran: the output is still poisoned.
    assert np.isnan(out).all()
    expect_error(r"a stream must be an int", launch, "chain", inputs, [out],
                 stream="fast")


def test_pytorch_tensors_on_the_emulator(bundle_dir, program):
    torch = pytest.importorskip("torch")
    inputs, refs, tols = reference(bundle_dir, "chain")
    tensors = [torch.from_numpy(x) for x in inputs]
    out = program("chain", *tensors)
    assert isinstance(out, torch.Tensor) and out.dtype == torch.float32
    assert fused.compare(out.numpy(), refs[0], rtol=tols[0])["passed"]
    # A DLPack capsule of a tensor is accepted like the tensor.
    out2 = torch.full((40, 24), float("nan"))
    program.launch("chain", [torch.utils.dlpack.to_dlpack(tensors[0])] +
                   tensors[1:], [out2])
    assert torch.equal(out, out2)
    # bf16, which numpy cannot hold.
    (a, b), (ref,), (tol,) = reference(bundle_dir, "bf")
    ta = torch.from_numpy(a.astype(np.float32)).to(torch.bfloat16)
    tb = torch.from_numpy(b.astype(np.float32)).to(torch.bfloat16)
    y = program("bf", ta, tb)
    assert y.dtype == torch.bfloat16 and y.shape == (33, 17)
    assert fused.compare(y.float().numpy(), ref, rtol=tol)["passed"]
    expect_error(r"input 0 of @bf \(bf16\[33, 64\]\) must be bf16, got "
                 r"torch.float16", program, "bf", ta.half(), tb)
    expect_error(r"must be contiguous", program, "bf",
                 ta.t().contiguous().t(), tb)
    expect_error(r"pass all inputs as tensors or none", program, "bf", ta,
                 b)


class FakeCudaArray:
    """Memory of the fake CUDA driver's device, as CuPy presents its
    arrays."""

    def __init__(self, driver, shape, dtype):
        self.host = aligned_empty(shape, dtype)
        self.host[...] = 0
        self.driver = driver
        driver.fake_cuda_register(ctypes.c_uint64(self.host.ctypes.data),
                                  ctypes.c_size_t(self.host.nbytes))
        self.__cuda_array_interface__ = {
            "shape": self.host.shape, "typestr": self.host.dtype.str,
            "data": (self.host.ctypes.data, False), "strides": None,
            "version": 3}

    def __del__(self):
        self.driver.fake_cuda_forget(ctypes.c_uint64(self.host.ctypes.data))


def test_cuda_launches_reach_the_driver(tmp_path, monkeypatch):
    """On a CUDA device (the fake driver of unittests/Runtime, which runs
    nothing but records launches), Program.launch passes the caller's
    device addresses and stream and allocates nothing."""
    fake = os.path.join(BUILD, "lib", "libFakeCudaDriver.so")
    monkeypatch.setenv("FUSED_CUDA_DRIVER", fake)
    driver = ctypes.CDLL(fake)
    driver.fake_cuda_launch_stream.restype = ctypes.c_void_p
    driver.fake_cuda_launch_param.restype = ctypes.c_uint64
    src = tmp_path / "m.mlir"
    src.write_text(SOURCE)
    subprocess.run([os.path.join(BUILD, "bin", "fused-compile"),
                    "--emit=bundle", "--chip=sm_90", str(src), "-o",
                    str(tmp_path / "b")], check=True)
    program = runtime.Bundle(str(tmp_path / "b")).load(device="cuda")
    assert program.backend == "cuda" and program.device_name == "Fake H200"
    assert program.memory_device == "cuda:0"
    for kernel in ("chain_gemm", "chain_gemm_0"):
        driver.fake_cuda_set_params(kernel.encode(), 21)
    a = FakeCudaArray(driver, (40, 32), np.float16)
    b = FakeCudaArray(driver, (32, 48), np.float16)
    c = FakeCudaArray(driver, (48, 24), np.float16)
    out = FakeCudaArray(driver, (40, 24), np.float32)
    ws = FakeCudaArray(driver, (program.workspace_size("chain"),), np.uint8)
    launches, allocations = (driver.fake_cuda_launches(),
                             driver.fake_cuda_allocations())
    program.launch("chain", [a, b, c], [out], workspace=ws, stream=0x5eed)
    assert driver.fake_cuda_allocations() == allocations
    assert driver.fake_cuda_launches() == launches + 2
    for i in (launches, launches + 1):
        assert driver.fake_cuda_launch_stream(i) == 0x5eed
    # The second kernel reads the workspace and writes the caller's output.
    assert driver.fake_cuda_launch_param(launches + 1, 0) == ws.host.ctypes.data
    assert driver.fake_cuda_launch_param(launches + 1, 14) == out.host.ctypes.data
    # Host memory is not the device's.
    expect_error(r"output 0 of @chain \(f32\[40, 24\]\) is on cpu; the "
                 r"program runs on Fake H200 \(cuda:0\)", program.launch,
                 "chain", [a, b, c], [np.zeros((40, 24), np.float32)],
                 workspace=ws)
    # Memory the driver does not know is refused by the runtime.
    stray = FakeCudaArray(driver, (40, 24), np.float32)
    driver.fake_cuda_forget(ctypes.c_uint64(stray.host.ctypes.data))
    expect_error(r"is not memory the CUDA driver knows", program.launch,
                 "chain", [a, b, c], [stray], workspace=ws)
    expect_error(r"needs a workspace of 3840 bytes on the device: pass "
                 r"workspace=", program.launch, "chain", [a, b, c], [out])
    assert driver.fake_cuda_launches() == launches + 2


DYNAMIC_SOURCE = """
func.func @dchain(%a: tensor<?x32xf16>, %b: tensor<32x48xf16>,
                  %c: tensor<48x24xf16>) -> tensor<?x24xf32> {
  %x = fused.matmul %a, %b : tensor<?x32xf16>, tensor<32x48xf16>
       -> tensor<?x48xf16>
  %y = fused.matmul %x, %c : tensor<?x48xf16>, tensor<48x24xf16>
       -> tensor<?x24xf32>
  return %y : tensor<?x24xf32>
}
func.func @dheads(%x: tensor<?x48xf16>) -> tensor<1x2x?x8xf16> {
  %r = fused.reshape %x : tensor<?x48xf16> to tensor<?x3x2x8xf16>
  %t = fused.transpose %r permutation = [1, 2, 0, 3]
       : tensor<?x3x2x8xf16> -> tensor<3x2x?x8xf16>
  %k = fused.slice %t offsets = [1, 0, 0, 0]
       : tensor<3x2x?x8xf16> to tensor<1x2x?x8xf16>
  %e = fused.exp %k : tensor<1x2x?x8xf16>
  return %e : tensor<1x2x?x8xf16>
}
"""


@pytest.fixture(scope="module")
def dynamic_program(tmp_path_factory):
    out = compile_bundle(tmp_path_factory.mktemp("dynamic"), DYNAMIC_SOURCE,
                         "--sizes=40")
    return runtime.Bundle(str(out)).load(device="emulator")


def test_dynamic_bundle_runs_any_row_count(dynamic_program):
    p = dynamic_program
    assert p.bundle.signature("dchain")["inputs"][0] == ((None, 32), "f16")
    assert p.bundle.dynamic("dchain") and p.bundle.dynamic("dheads")
    ref = p.bundle.reference("dchain")
    assert fused.compare(p("dchain", *ref["inputs"]), ref["outputs"][0],
                         rtol=ref["tolerances"][0])["passed"]
    for rows in (1, 7, 65):
        a = rng.uniform(-1, 1, (rows, 32)).astype(np.float16)
        b, c = ref["inputs"][1], ref["inputs"][2]
        expected = fused.reference(DYNAMIC_SOURCE, a, b, c, function="dchain")
        # The copying call, and caller memory with the workspace the row
        # count needs (the 48-wide f16 intermediate).
        assert p.workspace_size("dchain", [(rows, 32), (32, 48), (48, 24)]) \
            == -(-rows * 48 * 2 // 256) * 256
        out = p("dchain", a, b, c)
        assert out.shape == (rows, 24)
        assert fused.compare(out, expected,
                             rtol=ref["tolerances"][0])["passed"]
        launched = poisoned((rows, 24), np.float32)
        p.launch("dchain", [a, b, c], [launched])
        assert np.array_equal(launched, out)
        x = rng.uniform(-1, 1, (rows, 48)).astype(np.float16)
        heads = p("dheads", x)
        assert heads.shape == (1, 2, rows, 8)
        assert fused.compare(heads, fused.reference(DYNAMIC_SOURCE, x,
                                                    function="dheads"),
                             dtype="f16")["passed"]


def test_dynamic_shapes_that_disagree_are_refused(dynamic_program):
    p = dynamic_program
    b = rng.uniform(-1, 1, (32, 48)).astype(np.float16)
    c = rng.uniform(-1, 1, (48, 24)).astype(np.float16)
    with pytest.raises(runtime.RuntimeError_, match=r"must have shape \(None, 32\)"):
        p("dchain", np.zeros((5, 31), np.float16), b, c)
    # The output's rows follow from the input's: 5, not 6.
    with pytest.raises(runtime.RuntimeError_, match=r"must have shape \(5, 24\)"):
        p.launch("dchain", [np.zeros((5, 32), np.float16), b, c],
                 [poisoned((6, 24), np.float32)])
