"""Running kernel bundles from Python without the compiler.

`fused.runtime` is pure Python (ctypes over libfused_runtime.so, no compiled
extension), so any Python 3 with numpy can load it, including one that is
not the interpreter fused was built for:

    from fused import runtime
    bundle = runtime.Bundle("model.bundle")       # fused-compile --emit=bundle
    program = bundle.load(device="auto")          # a GPU, else the emulator
    o, lse = program("attention", q, k, v)        # numpy in, numpy out

The library is found through $FUSED_RUNTIME_LIB, next to this package, or in
the build tree's lib/ directory. Inputs are checked against the bundle's
manifest (count, shape); values are rounded to each argument's dtype.
"""
import ctypes
import os

import numpy as _np

__all__ = ["Bundle", "Program", "RuntimeError_", "library_path"]


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
    }
    for name, (res, args) in sig.items():
        fn = getattr(lib, name)
        fn.restype, fn.argtypes = res, args
    _lib = lib
    return lib


def _call(fn, *args):
    """Calls an API function whose last argument is char **error."""
    err = ctypes.c_char_p()
    if fn(*args, ctypes.byref(err)) != 0:
        message = err.value.decode() if err.value else "unknown error"
        _library().fused_rt_string_free(ctypes.cast(err, ctypes.c_void_p))
        raise RuntimeError_(message)


class Bundle:
    """A bundle directory written by fused-compile --emit=bundle."""

    def __init__(self, path):
        lib = _library()
        self._handle = ctypes.c_void_p()
        _call(lib.fused_rt_bundle_open, os.fsencode(path),
              ctypes.byref(self._handle))
        self.path = path

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
        """{"inputs": [(shape, dtype)], "outputs": [(shape, dtype)]}."""
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
                items.append((tuple(shape[:rank.value]), dtype.value.decode()))
                i += 1
            out[key] = items
        return out

    def load(self, device="auto"):
        """Loads the image `device` ("auto", "cuda", "emulator") runs."""
        return Program(self, device)


class Program:
    """A bundle loaded on a device; call it with a function name and numpy
    arrays."""

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
        sig = self.bundle.signature(function)
        if len(inputs) != len(sig["inputs"]):
            raise RuntimeError_(f"@{function} takes {len(sig['inputs'])} "
                                f"inputs, got {len(inputs)}")
        arrays = []
        for i, (a, (shape, dtype)) in enumerate(zip(inputs, sig["inputs"])):
            a = _np.asarray(a)
            if a.shape != shape:
                raise RuntimeError_(f"input {i} of @{function} must have "
                                    f"shape {shape} ({dtype}), got {a.shape}")
            arrays.append(_np.ascontiguousarray(a, dtype=_np.float64))
        outputs = [_np.empty(shape, dtype=_np.float64)
                   for shape, _ in sig["outputs"]]
        DP = ctypes.POINTER(ctypes.c_double)
        ins = (DP * max(1, len(arrays)))(
            *[a.ctypes.data_as(DP) for a in arrays])
        outs = (DP * max(1, len(outputs)))(
            *[o.ctypes.data_as(DP) for o in outputs])
        _call(_library().fused_rt_run, self._handle, function.encode(), ins,
              len(arrays), outs, len(outputs))
        results = []
        for o, (_, dtype) in zip(outputs, sig["outputs"]):
            np_dtype = {"f16": _np.float16, "f32": _np.float32,
                        "f64": _np.float64}.get(dtype, _np.float32)
            results.append(o.astype(np_dtype))
        return results[0] if len(results) == 1 else tuple(results)
