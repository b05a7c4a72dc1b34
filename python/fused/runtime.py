"""Running kernel bundles from Python without the compiler.

`fused.runtime` is pure Python (ctypes over libfused_runtime.so, no compiled
extension), so any Python 3 with numpy can load it, including one that is
not the interpreter fused was built for:

    from fused import runtime
    bundle = runtime.Bundle("model.bundle")       # fused-compile --emit=bundle
    program = bundle.load(device="auto")          # a GPU, else the emulator
    o, lse = program("attention", q, k, v)        # numpy in, numpy out

Called with numpy arrays, a function copies their values (rounded to each
argument's dtype) and returns new arrays. Called with PyTorch tensors, it
runs on their memory: no copies, outputs allocated with torch.empty on the
inputs' device, kernels enqueued on the current CUDA stream:

    o, lse = program("attention", q, k, v)        # torch CUDA tensors

`Program.launch` is the zero-copy call in full: it takes the outputs (and
the workspace, when a function passes data between kernels) from the
caller, as PyTorch tensors, numpy arrays (on the emulator, which runs on
host memory), objects with `__cuda_array_interface__` (CuPy, Numba) or
anything that speaks DLPack (`__dlpack__` or a capsule),
and checks each one's dtype, shape, contiguity, device and alignment
against the manifest before any launch.

The library is found through $FUSED_RUNTIME_LIB, next to this package, or in
the build tree's lib/ directory.
"""
import ctypes
import os

import numpy as _np

__all__ = ["Bundle", "Program", "RuntimeError_", "compare", "library_path"]


class RuntimeError_(RuntimeError):
    """An error reported by libfused_runtime."""


def library_path():
    """Where libfused_runtime.so is taken from."""
    env = os.environ.get("FUSED_RUNTIME_LIB")
    if env:
        return env
    here = os.path.dirname(os.path.abspath(__file__))
    for candidate in (os.path.join(here, "libfused_runtime.so"),
                      os.path.join(here, "..", "..", "lib",
                                   "libfused_runtime.so")):
        if os.path.exists(candidate):
            return os.path.normpath(candidate)
    return "libfused_runtime.so"


_lib = None


def _library():
    global _lib
    if _lib is not None:
        return _lib
    try:
        lib = ctypes.CDLL(library_path())
    except OSError as e:
        raise RuntimeError_(f"cannot load libfused_runtime ({e}); set "
                            "FUSED_RUNTIME_LIB to its path") from None
    P, S, E = ctypes.c_void_p, ctypes.c_size_t, ctypes.POINTER(ctypes.c_char_p)
    I64P = ctypes.POINTER(ctypes.c_int64)
    sig = {
        "fused_rt_string_free": (None, [ctypes.c_void_p]),
        "fused_rt_bundle_open": (ctypes.c_int, [ctypes.c_char_p,
                                                ctypes.POINTER(P), E]),
        "fused_rt_bundle_destroy": (None, [P]),
        "fused_rt_bundle_num_functions": (S, [P]),
        "fused_rt_bundle_function_name": (ctypes.c_char_p, [P, S]),
        "fused_rt_bundle_tensor": (ctypes.c_int, [
            P, ctypes.c_char_p, ctypes.c_int, S,
            ctypes.POINTER(ctypes.c_char_p), ctypes.POINTER(ctypes.c_int64),
            S, ctypes.POINTER(S), E]),
        "fused_rt_device_open": (ctypes.c_int, [ctypes.c_char_p,
                                                ctypes.POINTER(P), E]),
        "fused_rt_device_destroy": (None, [P]),
        "fused_rt_device_backend": (ctypes.c_char_p, [P]),
        "fused_rt_device_name": (ctypes.c_char_p, [P]),
        "fused_rt_device_chip": (ctypes.c_char_p, [P]),
        "fused_rt_program_load": (ctypes.c_int, [P, P, ctypes.POINTER(P), E]),
        "fused_rt_program_destroy": (None, [P]),
        "fused_rt_program_image": (ctypes.c_char_p, [P]),
        "fused_rt_run": (ctypes.c_int, [
            P, ctypes.c_char_p, ctypes.POINTER(ctypes.POINTER(ctypes.c_double)),
            S, ctypes.POINTER(ctypes.POINTER(ctypes.c_double)), S, E]),
        "fused_rt_bundle_alignment": (ctypes.c_int, [
            P, ctypes.c_char_p, ctypes.c_int, S,
            ctypes.POINTER(ctypes.c_int64), E]),
        "fused_rt_workspace_size": (ctypes.c_int, [
            P, ctypes.c_char_p, ctypes.POINTER(S), E]),
        "fused_rt_bundle_reference": (ctypes.c_int, [
            P, ctypes.c_char_p, ctypes.c_int, S,
            ctypes.POINTER(ctypes.c_char_p), ctypes.POINTER(ctypes.c_double),
            E]),
        "fused_rt_compare": (ctypes.c_int, [
            ctypes.POINTER(ctypes.c_double), ctypes.POINTER(ctypes.c_double),
            S, ctypes.POINTER(ctypes.c_int64), S, ctypes.c_double,
            ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_double),
            ctypes.POINTER(ctypes.c_void_p), E]),
        "fused_rt_launch": (ctypes.c_int, [
            P, ctypes.c_char_p, ctypes.POINTER(P), S, ctypes.POINTER(P), S,
            P, S, P, E]),
        "fused_rt_bundle_shape": (ctypes.c_int, [
            P, ctypes.c_char_p, ctypes.POINTER(I64P), ctypes.c_int, S,
            ctypes.POINTER(ctypes.c_int64), S, ctypes.POINTER(S), E]),
        "fused_rt_run_shaped": (ctypes.c_int, [
            P, ctypes.c_char_p, ctypes.POINTER(I64P),
            ctypes.POINTER(ctypes.POINTER(ctypes.c_double)), S,
            ctypes.POINTER(ctypes.POINTER(ctypes.c_double)), S, E]),
        "fused_rt_workspace_size_shaped": (ctypes.c_int, [
            P, ctypes.c_char_p, ctypes.POINTER(I64P), ctypes.POINTER(S), E]),
        "fused_rt_launch_shaped": (ctypes.c_int, [
            P, ctypes.c_char_p, ctypes.POINTER(I64P), ctypes.POINTER(P), S,
            ctypes.POINTER(P), S, P, S, P, E]),
    }
    for name, (res, args) in sig.items():
        fn = getattr(lib, name)
        fn.restype, fn.argtypes = res, args
    _lib = lib
    return lib


def _shapes_arg(shapes):
    """The C API's input shapes: one int64 array per input (kept alive by
    the returned object)."""
    I64P = ctypes.POINTER(ctypes.c_int64)
    arrays = [(ctypes.c_int64 * max(1, len(sh)))(*sh) for sh in shapes]
    table = (I64P * max(1, len(arrays)))(
        *[ctypes.cast(a, I64P) for a in arrays])
    table._keep = arrays
    return table


def _fits(shape, want):
    """Whether `shape` fits `want`, whose None dimensions take any size."""
    return len(shape) == len(want) and all(
        w is None or w == g for w, g in zip(want, shape))


def _call(fn, *args):
    """Calls an API function whose last argument is char **error."""
    err = ctypes.c_char_p()
    if fn(*args, ctypes.byref(err)) != 0:
        message = err.value.decode() if err.value else "unknown error"
        _library().fused_rt_string_free(ctypes.cast(err, ctypes.c_void_p))
        raise RuntimeError_(message)


def compare(actual, expected, rtol):
    """Judges `actual` against the float64 `expected` by fused's one rule
    (that of fused-run --check): {"passed", "relative_error", "summary"}."""
    lib = _library()
    a = _np.ascontiguousarray(_np.asarray(actual, dtype=_np.float64))
    e = _np.ascontiguousarray(_np.asarray(expected, dtype=_np.float64))
    if a.shape != e.shape:
        raise RuntimeError_(f"shapes differ: {a.shape} and {e.shape}")
    DP = ctypes.POINTER(ctypes.c_double)
    shape = (ctypes.c_int64 * max(1, e.ndim))(*e.shape)
    passed, rel = ctypes.c_int(), ctypes.c_double()
    summary = ctypes.c_void_p()
    _call(lib.fused_rt_compare, a.ctypes.data_as(DP), e.ctypes.data_as(DP),
          e.size, shape, e.ndim, float(rtol), ctypes.byref(passed),
          ctypes.byref(rel), ctypes.byref(summary))
    text = ctypes.cast(summary, ctypes.c_char_p).value.decode()
    lib.fused_rt_string_free(summary)
    return {"passed": bool(passed.value), "relative_error": rel.value,
            "summary": text}


class Bundle:
    """A bundle directory written by fused-compile --emit=bundle."""

    def __init__(self, path):
        lib = _library()
        self._handle = ctypes.c_void_p()
        _call(lib.fused_rt_bundle_open, os.fsencode(path),
              ctypes.byref(self._handle))
        self.path = path
        self._signatures = {}

    def __del__(self):
        if getattr(self, "_handle", None) and _lib is not None:
            _lib.fused_rt_bundle_destroy(self._handle)
            self._handle = None

    @property
    def functions(self):
        lib = _library()
        n = lib.fused_rt_bundle_num_functions(self._handle)
        return [lib.fused_rt_bundle_function_name(self._handle, i).decode()
                for i in range(n)]

    def signature(self, function):
        """{"inputs": [(shape, dtype)], "outputs": [(shape, dtype)]}; a
        dynamic dimension is None."""
        return {key: [(shape, dtype) for shape, dtype, _ in items]
                for key, items in self._signature(function).items()}

    def alignments(self, function):
        """{"inputs": [bytes], "outputs": [bytes]}: the alignment each
        argument's address needs in Program.launch."""
        return {key: [align for _, _, align in items]
                for key, items in self._signature(function).items()}

    def _signature(self, function):
        if function in self._signatures:
            return self._signatures[function]
        lib = _library()
        out = {}
        for key, output in (("inputs", 0), ("outputs", 1)):
            items = []
            i = 0
            while True:
                dtype = ctypes.c_char_p()
                shape = (ctypes.c_int64 * 8)()
                rank = ctypes.c_size_t()
                err = ctypes.c_char_p()
                rc = lib.fused_rt_bundle_tensor(
                    self._handle, function.encode(), output, i,
                    ctypes.byref(dtype), shape, 8, ctypes.byref(rank),
                    ctypes.byref(err))
                if rc != 0:
                    message = err.value.decode() if err.value else ""
                    lib.fused_rt_string_free(ctypes.cast(err, ctypes.c_void_p))
                    if i == 0 and message.startswith("no function"):
                        raise RuntimeError_(message)
                    break
                align = ctypes.c_int64()
                _call(lib.fused_rt_bundle_alignment, self._handle,
                      function.encode(), output, i, ctypes.byref(align))
                dims = tuple(None if d < 0 else d
                             for d in shape[:rank.value])
                items.append((dims, dtype.value.decode(), align.value))
                i += 1
            out[key] = items
        self._signatures[function] = out
        return out

    def dynamic(self, function):
        """Whether `function` has dynamic dimensions."""
        return any(None in shape for key in ("inputs", "outputs")
                   for shape, _ in self.signature(function)[key])

    def shapes(self, function, input_shapes):
        """{"inputs": [shape], "outputs": [shape]} of a call on inputs of
        `input_shapes` (the sizes of the dynamic dimensions follow from
        them; shapes that disagree raise)."""
        lib = _library()
        sig = self.signature(function)
        table = _shapes_arg(input_shapes)
        out = {}
        for key, output in (("inputs", 0), ("outputs", 1)):
            out[key] = []
            for i in range(len(sig[key])):
                shape = (ctypes.c_int64 * 8)()
                rank = ctypes.c_size_t()
                _call(lib.fused_rt_bundle_shape, self._handle,
                      function.encode(), table, output, i, shape, 8,
                      ctypes.byref(rank))
                out[key].append(tuple(shape[:rank.value]))
        return out

    def reference(self, function):
        """With --with-reference: {"inputs": [arrays], "outputs": [float64
        arrays], "tolerances": [rtol per output]}."""
        lib = _library()
        out = {"inputs": [], "outputs": [], "tolerances": []}
        sig = self.signature(function)
        for key, output in (("inputs", 0), ("outputs", 1)):
            for i in range(len(sig[key])):
                name, tol = ctypes.c_char_p(), ctypes.c_double()
                _call(lib.fused_rt_bundle_reference, self._handle,
                      function.encode(), output, i, ctypes.byref(name),
                      ctypes.byref(tol))
                out[key].append(_np.load(os.path.join(
                    self.path, name.value.decode())))
                if output:
                    out["tolerances"].append(tol.value)
        return out

    def load(self, device="auto"):
        """Loads the image `device` ("auto", "cuda", "emulator") runs."""
        return Program(self, device)


# DLPack (dlpack.h, v0.8 ABI): what __dlpack__ capsules hold.
class _DLDevice(ctypes.Structure):
    _fields_ = [("device_type", ctypes.c_int32), ("device_id", ctypes.c_int32)]


class _DLDataType(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint8), ("bits", ctypes.c_uint8),
                ("lanes", ctypes.c_uint16)]


class _DLTensor(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("device", _DLDevice),
                ("ndim", ctypes.c_int32), ("dtype", _DLDataType),
                ("shape", ctypes.POINTER(ctypes.c_int64)),
                ("strides", ctypes.POINTER(ctypes.c_int64)),
                ("byte_offset", ctypes.c_uint64)]


_DL_CPU, _DL_CUDA, _DL_CUDA_MANAGED = 1, 2, 13
_DL_DTYPES = {(2, 16): "f16", (2, 32): "f32", (2, 64): "f64", (4, 16): "bf16"}
_NUMPY_DTYPES = {"float16": "f16", "float32": "f32", "float64": "f64"}
_TORCH_DTYPES = {"torch.float16": "f16", "torch.bfloat16": "bf16",
                 "torch.float32": "f32", "torch.float64": "f64"}


class _Memory:
    """Where a tensor's elements are: address, device ("cpu" or
    "cuda:N"), dtype, shape, strides in elements (None: row-major), and
    what must stay alive while it is used."""

    def __init__(self, address, device, dtype, shape, strides, keep,
                 nbytes, writable=True, what=""):
        self.address, self.device, self.dtype = address, device, dtype
        self.shape, self.strides, self.keep = tuple(shape), strides, keep
        self.nbytes, self.writable, self.what = nbytes, writable, what

    def contiguous(self):
        if self.strides is None:
            return True
        expected = 1
        for dim, stride in zip(reversed(self.shape), reversed(self.strides)):
            if dim != 1 and stride != expected:
                return False
            expected *= dim
        return True


def _is_torch_tensor(x):
    return (type(x).__module__.startswith("torch") and
            hasattr(x, "data_ptr") and hasattr(x, "is_cuda"))


def _from_dlpack_capsule(capsule, keep):
    get = ctypes.pythonapi.PyCapsule_GetPointer
    get.restype, get.argtypes = ctypes.c_void_p, [ctypes.py_object,
                                                  ctypes.c_char_p]
    valid = ctypes.pythonapi.PyCapsule_IsValid
    valid.restype, valid.argtypes = ctypes.c_int, [ctypes.py_object,
                                                   ctypes.c_char_p]
    if not valid(capsule, b"dltensor"):
        raise RuntimeError_("not a DLPack capsule (or one already consumed)")
    t = _DLTensor.from_address(get(capsule, b"dltensor"))
    shape = tuple(t.shape[i] for i in range(t.ndim))
    strides = (tuple(t.strides[i] for i in range(t.ndim))
               if t.strides else None)
    dtype = _DL_DTYPES.get((t.dtype.code, t.dtype.bits))
    if t.dtype.lanes != 1:
        dtype = None
    what = f"DLPack dtype code {t.dtype.code}, {t.dtype.bits} bits"
    kind = t.device.device_type
    device = ("cpu" if kind == _DL_CPU else
              f"cuda:{t.device.device_id}"
              if kind in (_DL_CUDA, _DL_CUDA_MANAGED) else
              f"DLPack device type {kind}")
    count = 1
    for d in shape:
        count *= d
    return _Memory((t.data or 0) + t.byte_offset, device, dtype, shape,
                   strides, (keep, capsule),
                   count * t.dtype.bits * t.dtype.lanes // 8, what=what)


def _memory(x, stream=None):
    """The _Memory of a torch tensor, a numpy array, a DLPack capsule or an
    object with __dlpack__."""
    if _is_torch_tensor(x):
        device = (f"cuda:{x.device.index or 0}" if x.is_cuda else
                  str(x.device))
        return _Memory(x.data_ptr(), device, _TORCH_DTYPES.get(str(x.dtype)),
                       tuple(x.shape), tuple(x.stride()), x,
                       x.numel() * x.element_size(), what=str(x.dtype))
    if isinstance(x, _np.ndarray):
        info = x.__array_interface__
        strides = (None if info["strides"] is None else
                   tuple(s // x.itemsize for s in info["strides"]))
        if info["strides"] is not None and any(
                s % x.itemsize for s in info["strides"]):
            strides = (0,) * x.ndim  # Unaligned strides: not contiguous.
        return _Memory(info["data"][0], "cpu",
                       _NUMPY_DTYPES.get(x.dtype.name), x.shape, strides, x,
                       x.nbytes, writable=x.flags.writeable,
                       what=str(x.dtype))
    cai = getattr(x, "__cuda_array_interface__", None)
    if cai is not None:
        # CuPy, Numba and others: CUDA memory of the current device.
        typestr = cai["typestr"]
        dtype = {"<f2": "f16", "<f4": "f32", "<f8": "f64"}.get(typestr)
        itemsize = int(typestr[2:]) if typestr[2:].isdigit() else 1
        strides = cai.get("strides")
        if strides is not None:
            strides = (tuple(s // itemsize for s in strides)
                       if all(s % itemsize == 0 for s in strides)
                       else (0,) * len(strides))
        count = 1
        for d in cai["shape"]:
            count *= d
        return _Memory(cai["data"][0], "cuda", dtype, cai["shape"], strides,
                       x, count * itemsize, writable=not cai["data"][1],
                       what=f"typestr {typestr}")
    if type(x).__name__ == "PyCapsule":
        return _from_dlpack_capsule(x, None)
    if hasattr(x, "__dlpack__"):
        try:
            capsule = (x.__dlpack__(stream=stream) if stream is not None
                       else x.__dlpack__())
        except (BufferError, TypeError) as e:
            raise RuntimeError_(f"cannot take its memory through DLPack "
                                f"({e})") from None
        return _from_dlpack_capsule(capsule, x)
    raise RuntimeError_(f"a {type(x).__name__} is not a tensor fused can "
                        "run on (PyTorch tensors, numpy arrays and DLPack "
                        "objects are)")


class Program:
    """A bundle loaded on a device; call it with a function name and numpy
    arrays or PyTorch tensors."""

    def __init__(self, bundle, device="auto"):
        lib = _library()
        if device not in ("auto", "cuda", "emulator"):
            raise RuntimeError_(f"unknown device '{device}' (expected auto, "
                                "cuda or emulator)")
        self.bundle = bundle
        self._device = ctypes.c_void_p()
        _call(lib.fused_rt_device_open, device.encode(),
              ctypes.byref(self._device))
        self._handle = ctypes.c_void_p()
        try:
            _call(lib.fused_rt_program_load, bundle._handle, self._device,
                  ctypes.byref(self._handle))
        except RuntimeError_:
            lib.fused_rt_device_destroy(self._device)
            self._device = None
            raise
        self.backend = lib.fused_rt_device_backend(self._device).decode()
        self.device_name = lib.fused_rt_device_name(self._device).decode()
        self.image = lib.fused_rt_program_image(self._handle).decode()
        # Where the memory it runs on lives: the runtime opens CUDA device 0.
        self.memory_device = "cuda:0" if self.backend == "cuda" else "cpu"

    def __del__(self):
        if _lib is None:
            return
        if getattr(self, "_handle", None):
            _lib.fused_rt_program_destroy(self._handle)
            self._handle = None
        if getattr(self, "_device", None):
            _lib.fused_rt_device_destroy(self._device)
            self._device = None

    def __call__(self, function, *inputs):
        if inputs and all(_is_torch_tensor(x) for x in inputs):
            return self._call_torch(function, inputs)
        sig = self.bundle.signature(function)
        if len(inputs) != len(sig["inputs"]):
            raise RuntimeError_(f"@{function} takes {len(sig['inputs'])} "
                                f"inputs, got {len(inputs)}")
        arrays = []
        for i, (a, (shape, dtype)) in enumerate(zip(inputs, sig["inputs"])):
            if _is_torch_tensor(a):
                raise RuntimeError_(f"input {i} of @{function} is a PyTorch "
                                    "tensor and others are not: pass all "
                                    "inputs as tensors or none")
            a = _np.asarray(a)
            if not _fits(a.shape, shape):
                raise RuntimeError_(f"input {i} of @{function} must have "
                                    f"shape {shape} ({dtype}), got {a.shape}")
            arrays.append(_np.ascontiguousarray(a, dtype=_np.float64))
        # Dynamic dimensions: the outputs' shapes follow from the inputs'.
        dynamic = self.bundle.dynamic(function)
        input_shapes = [a.shape for a in arrays]
        out_shapes = (self.bundle.shapes(function, input_shapes)["outputs"]
                      if dynamic else [shape for shape, _ in sig["outputs"]])
        outputs = [_np.empty(shape, dtype=_np.float64) for shape in out_shapes]
        DP = ctypes.POINTER(ctypes.c_double)
        ins = (DP * max(1, len(arrays)))(
            *[a.ctypes.data_as(DP) for a in arrays])
        outs = (DP * max(1, len(outputs)))(
            *[o.ctypes.data_as(DP) for o in outputs])
        if dynamic:
            _call(_library().fused_rt_run_shaped, self._handle,
                  function.encode(), _shapes_arg(input_shapes), ins,
                  len(arrays), outs, len(outputs))
        else:
            _call(_library().fused_rt_run, self._handle, function.encode(),
                  ins, len(arrays), outs, len(outputs))
        results = []
        for o, (_, dtype) in zip(outputs, sig["outputs"]):
            np_dtype = {"f16": _np.float16, "f32": _np.float32,
                        "f64": _np.float64}.get(dtype, _np.float32)
            results.append(o.astype(np_dtype))
        return results[0] if len(results) == 1 else tuple(results)

    def _call_torch(self, function, inputs):
        import torch
        torch_dtypes = {"f16": torch.float16, "bf16": torch.bfloat16,
                        "f32": torch.float32, "f64": torch.float64}
        sig = self.bundle.signature(function)
        device = inputs[0].device
        shapes = [shape for shape, _ in sig["outputs"]]
        if self.bundle.dynamic(function):
            shapes = self.bundle.shapes(
                function, [tuple(x.shape) for x in inputs])["outputs"]
        outputs = [torch.empty(shape, dtype=torch_dtypes[dtype],
                               device=device)
                   for shape, (_, dtype) in zip(shapes, sig["outputs"])]
        self.launch(function, inputs, outputs)
        return outputs[0] if len(outputs) == 1 else tuple(outputs)

    def workspace_size(self, function, input_shapes=None):
        """The bytes of scratch memory `function` needs between kernels
        (with dynamic dimensions: for inputs of `input_shapes`)."""
        n = ctypes.c_size_t()
        if input_shapes is not None:
            _call(_library().fused_rt_workspace_size_shaped, self._handle,
                  function.encode(), _shapes_arg(input_shapes),
                  ctypes.byref(n))
        else:
            _call(_library().fused_rt_workspace_size, self._handle,
                  function.encode(), ctypes.byref(n))
        return n.value

    def launch(self, function, inputs, outputs, workspace=None, stream=None):
        """Runs `function` on the memory of `inputs` and `outputs` (PyTorch
        tensors, numpy arrays, objects with __cuda_array_interface__,
        DLPack objects or capsules): no copies, no
        allocations but a workspace when the function needs one and none
        is given (workspace_size bytes, 256-byte aligned). On CUDA the
        kernels are enqueued on `stream` (a CUstream as an int, an object
        with .cuda_stream such as torch.cuda.Stream, or None: PyTorch's
        current stream for CUDA tensors, else the default stream) and the
        call returns at once; on the emulator it returns when they have
        run."""
        sig = self.bundle._signature(function)
        inputs, outputs = list(inputs), list(outputs)
        for key, given in (("inputs", inputs), ("outputs", outputs)):
            if len(given) != len(sig[key]):
                raise RuntimeError_(
                    f"@{function} takes {len(sig['inputs'])} inputs and "
                    f"returns {len(sig['outputs'])} outputs; got "
                    f"{len(inputs)} and {len(outputs)}")
        stream = self._stream(stream, inputs + outputs)
        # Dynamic dimensions: every shape follows from the inputs'.
        input_shapes = None
        if self.bundle.dynamic(function):
            input_shapes = []
            for i, x in enumerate(inputs):
                try:
                    input_shapes.append(tuple(_memory(x, stream).shape))
                except RuntimeError_ as e:
                    raise RuntimeError_(f"input {i} of @{function}: {e}") \
                        from None
            for i, (shape, (want, dtype, _)) in enumerate(
                    zip(input_shapes, sig["inputs"])):
                if not _fits(shape, want):
                    raise RuntimeError_(
                        f"input {i} of @{function} ({dtype}{list(want)}) "
                        f"must have shape {want}, got {shape}")
            shapes = self.bundle.shapes(function, input_shapes)
            sig = {key: [(shape, dtype, align) for shape, (_, dtype, align)
                         in zip(shapes[key], sig[key])]
                   for key in ("inputs", "outputs")}
        mems = []
        for key, given in (("inputs", inputs), ("outputs", outputs)):
            for i, (x, spec) in enumerate(zip(given, sig[key])):
                mems.append(self._check(function, key[:-1], i, x, spec,
                                        stream))
        need = self.workspace_size(function, input_shapes)
        ws = None
        if need:
            if workspace is None:
                workspace = self._allocate_workspace(need, inputs)
            ws = _memory(workspace, stream)
            if ws.device != self.memory_device and not (
                    ws.device == "cuda" and self.backend == "cuda"):
                raise RuntimeError_(f"the workspace of @{function} is on "
                                    f"{ws.device}; the program runs on "
                                    f"{self.memory_device}")
            if not ws.contiguous():
                raise RuntimeError_(f"the workspace of @{function} must be "
                                    "contiguous")
        P = ctypes.c_void_p
        n_in = len(inputs)
        ins = (P * max(1, n_in))(*[m.address for m in mems[:n_in]])
        outs = (P * max(1, len(outputs)))(*[m.address for m in mems[n_in:]])
        if input_shapes is not None:
            _call(_library().fused_rt_launch_shaped, self._handle,
                  function.encode(), _shapes_arg(input_shapes), ins, n_in,
                  outs, len(outputs), ws.address if ws else None,
                  ws.nbytes if ws else 0, stream or None)
        else:
            _call(_library().fused_rt_launch, self._handle, function.encode(),
                  ins, n_in, outs, len(outputs), ws.address if ws else None,
                  ws.nbytes if ws else 0, stream or None)
        return outputs

    def _stream(self, stream, tensors):
        if stream is None:
            if self.backend == "cuda":
                for x in tensors:
                    if _is_torch_tensor(x) and x.is_cuda:
                        import torch
                        return torch.cuda.current_stream(x.device).cuda_stream
            return None
        if hasattr(stream, "cuda_stream"):
            return stream.cuda_stream
        if isinstance(stream, int):
            return stream
        raise RuntimeError_(f"a stream must be an int (a CUstream) or have "
                            f".cuda_stream, got a {type(stream).__name__}")

    def _check(self, function, role, i, x, spec, stream):
        shape, dtype, align = spec
        try:
            m = _memory(x, stream)
        except RuntimeError_ as e:
            raise RuntimeError_(f"{role} {i} of @{function}: {e}") from None
        name = f"{role} {i} of @{function} ({dtype}{list(shape)})"
        if m.dtype != dtype:
            raise RuntimeError_(f"{name} must be {dtype}, got {m.what}")
        if m.shape != tuple(shape):
            raise RuntimeError_(f"{name} must have shape {tuple(shape)}, got "
                                f"{m.shape}")
        if not m.contiguous():
            raise RuntimeError_(f"{name} must be contiguous (row-major), got "
                                f"strides {m.strides}")
        # __cuda_array_interface__ says "CUDA" without a device number:
        # the runtime asks the driver whose memory it is.
        same = m.device == self.memory_device or (
            m.device == "cuda" and self.backend == "cuda")
        if not same:
            where = ("the emulator runs on host memory"
                     if self.backend == "emulator" else
                     f"the program runs on {self.device_name} "
                     f"({self.memory_device})")
            raise RuntimeError_(f"{name} is on {m.device}; {where}")
        if m.address % align:
            raise RuntimeError_(f"{name} must be {align}-byte aligned, its "
                                f"address {m.address:#x} is not")
        if role == "output" and not m.writable:
            raise RuntimeError_(f"{name} is read-only")
        return m

    def _allocate_workspace(self, need, inputs):
        torch_input = next((x for x in inputs if _is_torch_tensor(x)), None)
        if torch_input is not None:
            import torch
            raw = torch.empty(need + 256, dtype=torch.uint8,
                              device=torch_input.device)
            skip = (-raw.data_ptr()) % 256
        elif self.backend == "emulator":
            raw = _np.empty(need + 256, dtype=_np.uint8)
            skip = (-raw.ctypes.data) % 256
        else:
            raise RuntimeError_(f"this function needs a workspace of {need} "
                                "bytes on the device: pass workspace=")
        return raw[skip:skip + need]
