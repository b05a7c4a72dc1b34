"""fused: an MLIR-based compiler for attention and tensor ops on NVIDIA GPUs.

    import numpy as np, fused
    q, k, v = (np.random.randn(1, 8, 128, 64).astype(np.float16) for _ in range(3))
    out = fused.ops.attention(q, k, v, causal=True)                 # GPU, else emulator
    ref = fused.ops.attention(q, k, v, causal=True, device="reference")
    print(fused.relative_error(out, ref))

Compile MLIR text (or a builder from fused.ops) once and call it:

    kernel = fused.compile(source)          # one function: a Kernel
    out = kernel(a, b, device="emulator")   # numpy in, numpy out

Devices: "auto" (a CUDA GPU when present, else the emulator), "cuda",
"emulator", and "reference" (the float64 evaluator). Errors from the
compiler (with file, line and column) and from the runtime raise FusedError.
Compiled programs are cached on disk (cache_directory(), clear_cache()).
bf16 has no numpy dtype: bf16 inputs are given and bf16 results returned as
float32 arrays (holding bf16-representable values).
"""

import numpy as _np

try:
    from . import _fused
    from ._fused import FusedError
except ImportError as _import_error:  # noqa: F841
    # Another Python than the one fused was built for: the compiler is not
    # available, fused.runtime (pure Python over libfused_runtime) is.
    class FusedError(RuntimeError):
        """An error from fused."""

    class _MissingExtension:
        def __init__(self, error):
            self._error = error

        def __getattr__(self, name):
            raise FusedError("the compiler extension (_fused) does not load in "
                             f"this Python ({self._error}); fused.runtime "
                             "runs bundles without it")

    _fused = _MissingExtension(_import_error)

__all__ = ["compile", "Kernel", "FusedError", "reference", "compare",
           "relative_error",
           "version", "cache_directory", "clear_cache", "ops", "devices"]

_NUMPY_DTYPES = {"f16": _np.float16, "f32": _np.float32, "f64": _np.float64,
                 "bf16": _np.float32}
_devices = {}


def version():
    """The compiler version."""
    return _fused.version()


def cache_directory():
    """Where compiled programs are cached: $FUSED_CACHE_DIR, else
    $XDG_CACHE_HOME/fused, else ~/.cache/fused."""
    return _fused.cache_directory()


def clear_cache():
    """Removes every cached program; returns how many."""
    return _fused.clear_cache()


def _device(kind, seed=1):
    if kind not in ("auto", "cuda", "emulator"):
        raise FusedError(f"unknown device '{kind}' (expected auto, cuda, "
                         "emulator or reference)")
    key = (kind, seed)
    if key not in _devices:
        _devices[key] = _fused.open_device(kind, seed)
    return _devices[key]


def devices():
    """The kind the "auto" device resolves to ("cuda" or "emulator")."""
    return _device("auto").backend


def compare(actual, expected, dtype="f32", rtol=None):
    """Judges `actual` against `expected` by the rule fused-compile --check
    uses: every element must satisfy |actual - expected| <= atol +
    rtol * |expected| with atol = rtol * max|expected|; a NaN or infinity
    where `expected` is finite fails, except the infinity of `actual`'s
    sign that `dtype` makes of an `expected` beyond its range (65520 and up
    for f16). `rtol` defaults to the tolerance of `dtype` (2e-3 f16, 1e-2
    bf16, 1e-5 otherwise). Returns a dict: passed,
    failures, elements, worst_index (flat), worst_value, worst_reference,
    relative_error (for information), rtol, atol and a one-line summary."""
    a = _np.asarray(actual, dtype=_np.float64)
    e = _np.asarray(expected, dtype=_np.float64)
    if a.shape != e.shape:
        raise FusedError(f"shapes differ: {a.shape} and {e.shape}")
    if rtol is None:
        rtol = _fused.tolerance_for(dtype)
    return _fused.compare(a, e, float(rtol), str(dtype))


def relative_error(actual, expected):
    """||actual - expected|| / ||expected|| in float64 (NaN if either has a
    NaN; infinities must match exactly)."""
    a = _np.asarray(actual, dtype=_np.float64)
    e = _np.asarray(expected, dtype=_np.float64)
    if a.shape != e.shape:
        raise FusedError(f"shapes differ: {a.shape} and {e.shape}")
    if _np.isnan(a).any() or _np.isnan(e).any():
        return float("nan")
    inf = _np.isinf(e) | _np.isinf(a)
    if (a[inf] != e[inf]).any():
        return float("inf")
    a, e = a[~inf], e[~inf]
    den = _np.linalg.norm(e)
    num = _np.linalg.norm(a - e)
    return float(num / den) if den > 0 else float(num)


class Kernel:
    """One function of a compiled module; call it with numpy arrays."""

    def __init__(self, source, function, chip, cache, name, programs):
        self._source, self._chip, self._cache, self._name = (
            source, chip, cache, name)
        self._programs = programs
        self.function = function
        any_program = next(iter(programs.values()))
        self.signature = next(f for f in any_program.functions()
                              if f["name"] == function)

    def _program(self, target):
        if target not in self._programs:
            self._programs[target] = _fused.Program.compile(
                self._source, target=target, chip=self._chip,
                cache=self._cache, name=self._name)
        return self._programs[target]

    @property
    def from_cache(self):
        """True when compiling was served from the on-disk cache."""
        return any(p.from_cache for t, p in self._programs.items()
                   if t != "reference")

    def _inputs(self, arrays):
        ins = self.signature["inputs"]
        if len(arrays) != len(ins):
            raise FusedError(f"@{self.function} takes {len(ins)} inputs, got "
                             f"{len(arrays)}")
        out = []
        for i, (a, want) in enumerate(zip(arrays, ins)):
            a = _np.asarray(a)
            if a.dtype.kind not in "fiu":
                raise FusedError(f"input {i} of @{self.function}: cannot use "
                                 f"an array of dtype {a.dtype}")
            # None is a dynamic dimension: any size, as long as the sizes
            # agree across inputs (the runtime checks that).
            shape = tuple(want["shape"])
            if len(a.shape) != len(shape) or any(
                    w is not None and w != g for w, g in zip(shape, a.shape)):
                raise FusedError(
                    f"input {i} of @{self.function} must have shape "
                    f"{shape}, got {tuple(a.shape)}")
            out.append(_np.ascontiguousarray(a, dtype=_np.float64))
        return out

    def _results(self, arrays):
        res = [a.astype(_NUMPY_DTYPES.get(want["dtype"], _np.float64))
               for a, want in zip(arrays, self.signature["results"])]
        return res[0] if len(res) == 1 else tuple(res)

    def __call__(self, *arrays, device="auto", seed=1):
        """Runs the kernel; returns one array, or a tuple for several
        results. device="reference" evaluates in float64."""
        inputs = self._inputs(arrays)
        if device == "reference":
            program = self._program("reference")
            return self._results(program.reference(self.function, inputs))
        dev = _device(device, seed)
        program = self._program(dev.backend)
        return self._results(program.run(dev, self.function, inputs))

    def reference(self, *arrays):
        """The float64 reference evaluator's results."""
        return self(*arrays, device="reference")


def _source_of(source_or_builder):
    if isinstance(source_or_builder, str):
        return source_or_builder
    if hasattr(source_or_builder, "mlir"):
        return source_or_builder.mlir()
    raise FusedError("compile() takes MLIR text or a builder from fused.ops, "
                     f"got {type(source_or_builder).__name__}")


def compile(source_or_builder, function=None, chip="auto", cache=True,
            device="auto", name="<source>"):
    """Compiles MLIR text of `fused` ops (or a fused.ops builder) for
    `device` ("auto", "cuda", "emulator", or "reference" to parse and
    verify only) and returns a Kernel for `function` (default: the first
    function). Compiler diagnostics raise FusedError."""
    source = _source_of(source_or_builder)
    if device not in ("auto", "cuda", "emulator", "reference"):
        raise FusedError(f"unknown device '{device}' (expected auto, cuda, "
                         "emulator or reference)")
    target = device if device != "auto" else _device("auto").backend
    program = _fused.Program.compile(source, target=target, chip=chip,
                                     cache=cache, name=name)
    names = [f["name"] for f in program.functions()]
    if not names:
        raise FusedError("the module has no function")
    if function is None:
        function = names[0]
    if function not in names:
        raise FusedError(f"no function named '{function}' (the module has "
                         f"{', '.join(names)})")
    return Kernel(source, function, chip, cache, name, {target: program})


def reference(source_or_builder, *arrays, function=None):
    """Evaluates a function with the float64 reference evaluator."""
    return compile(source_or_builder, function=function,
                   device="reference")(*arrays, device="reference")


from . import ops  # noqa: E402
