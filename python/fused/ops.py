"""Builders for common kernels, so that no MLIR needs writing.

    out = fused.ops.attention(q, k, v, causal=True)            # runs it
    out, lse = fused.ops.attention(q, k, v, return_lse=True)
    c = fused.ops.matmul(a, b, bias=bias, epilogue="gelu", out_dtype="f16")
    p = fused.ops.softmax(x)                                   # last axis
    y = fused.ops.layernorm(x, weight=g, bias=b, eps=1e-5)
    y = fused.ops.rmsnorm(x, weight=g)
    s = fused.ops.reduce(x, "sum", axis=0, keepdim=True)       # or "max"
    t = fused.ops.transpose(x, (1, 0))

Each function builds the MLIR of one kernel from the arrays' shapes and
dtypes (float16 arrays are f16, float32 arrays f32; pass dtype="bf16" for
bf16, with float32 arrays), compiles it (through the on-disk cache) and
runs it on `device`
("auto", "cuda", "emulator" or "reference"). The builder classes
(Attention, Matmul, Softmax, LayerNorm, RMSNorm, Reduce, Transpose) give the
MLIR text and compile without running:
fused.compile(fused.ops.Attention(...)).
"""

import numpy as _np

import fused as _fused

_EPILOGUES = {None: None, "relu": "relu", "silu": "silu",
              "gelu": "gelu erf", "gelu_tanh": "gelu tanh"}


def _tensor(shape, dtype):
    return "tensor<" + "x".join(str(int(d)) for d in shape) + f"x{dtype}>"


class Attention:
    """fused.attention for Q [B,Hq,Sq,D], K/V [B,Hkv,Skv,D] (GQA/MQA when
    Hkv < Hq), bottom-right aligned causal mask, optional additive bias and
    log-sum-exp output."""

    def __init__(self, q_shape, k_shape, v_shape, dtype="f16", causal=False,
                 scale=None, bias_shape=None, return_lse=False,
                 out_dtype=None):
        self.q_shape, self.k_shape, self.v_shape = (
            tuple(q_shape), tuple(k_shape), tuple(v_shape))
        self.dtype, self.causal, self.scale = dtype, causal, scale
        self.bias_shape = tuple(bias_shape) if bias_shape is not None else None
        self.return_lse = return_lse
        self.out_dtype = out_dtype or dtype

    def mlir(self):
        q = _tensor(self.q_shape, self.dtype)
        k = _tensor(self.k_shape, self.dtype)
        v = _tensor(self.v_shape, self.dtype)
        o = _tensor(self.q_shape[:-1] + self.v_shape[-1:], self.out_dtype)
        lse = _tensor(self.q_shape[:-1], "f32")
        args = f"%q: {q}, %k: {k}, %v: {v}"
        bias = ""
        if self.bias_shape is not None:
            bt = _tensor(self.bias_shape, "f32")
            args += f", %bias: {bt}"
            bias = f" bias(%bias : {bt})"
        attrs = []
        if self.causal:
            attrs.append("causal")
        if self.scale is not None:
            attrs.append(f"scale = {float(self.scale):e} : f32")
        attr = " {" + ", ".join(attrs) + "}" if attrs else ""
        results = f"{o}, {lse}" if self.return_lse else o
        names = "%o, %lse" if self.return_lse else "%o"
        return (f"func.func @attention({args}) -> ({results}) {{\n"
                f"  {names} = fused.attention %q, %k, %v{bias}{attr} : "
                f"{q}, {k}, {v} -> {results}\n"
                f"  return {names} : {results}\n}}\n")


class Matmul:
    """fused.matmul A [..., M, K] x B [..., K, N] with an optional bias
    ([N]) and activation epilogue, f32 accumulation, cast to out_dtype."""

    def __init__(self, a_shape, b_shape, dtype="f16", bias=False,
                 epilogue=None, out_dtype="f32"):
        if epilogue not in _EPILOGUES:
            raise _fused.FusedError(
                f"unknown epilogue '{epilogue}' (expected relu, silu, gelu "
                "or gelu_tanh)")
        self.a_shape, self.b_shape = tuple(a_shape), tuple(b_shape)
        self.dtype, self.bias, self.epilogue = dtype, bias, epilogue
        self.out_dtype = out_dtype

    def mlir(self):
        if len(self.a_shape) < 2 or len(self.b_shape) < 2:
            raise _fused.FusedError("matmul operands need at least 2 dims")
        a = _tensor(self.a_shape, self.dtype)
        b = _tensor(self.b_shape, self.dtype)
        batch = (self.a_shape[:-2] if len(self.a_shape) >= len(self.b_shape)
                 else self.b_shape[:-2])
        shape = batch + (self.a_shape[-2], self.b_shape[-1])
        acc = _tensor(shape, "f32")
        out = _tensor(shape, self.out_dtype)
        args = f"%a: {a}, %b: {b}"
        lines = [f"  %c = fused.matmul %a, %b : {a}, {b} -> {acc}"]
        cur = "%c"
        if self.bias:
            bt = _tensor((self.b_shape[-1],), "f32")
            args += f", %bias: {bt}"
            lines.append(f"  %d = fused.add {cur}, %bias : {acc}, {bt} -> {acc}")
            cur = "%d"
        op = _EPILOGUES[self.epilogue]
        if op:
            lines.append(f"  %e = fused.{op} {cur} : {acc}")
            cur = "%e"
        if self.out_dtype != "f32":
            lines.append(f"  %f = fused.cast {cur} : {acc} to {out}")
            cur = "%f"
        body = "\n".join(lines)
        return (f"func.func @matmul({args}) -> {out} {{\n{body}\n"
                f"  return {cur} : {out}\n}}\n")


def attention(q, k, v, causal=False, scale=None, bias=None, return_lse=False,
              dtype=None, out_dtype=None, device="auto"):
    """Scaled dot-product attention of numpy arrays; see Attention."""
    dt = _float_dtype_of(q, dtype)
    b = Attention(_np.shape(q), _np.shape(k), _np.shape(v), dt, causal, scale,
                  None if bias is None else _np.shape(bias), return_lse,
                  out_dtype)
    kernel = _fused.compile(b, device=device)
    args = (q, k, v) if bias is None else (q, k, v, bias)
    return kernel(*args, device=device)


def matmul(a, b, bias=None, epilogue=None, out_dtype="f32", dtype=None,
           device="auto"):
    """a @ b (+ bias, activation) of numpy arrays; see Matmul."""
    dt = _float_dtype_of(a, dtype)
    m = Matmul(_np.shape(a), _np.shape(b), dt, bias is not None, epilogue,
               out_dtype)
    kernel = _fused.compile(m, device=device)
    args = (a, b) if bias is None else (a, b, bias)
    return kernel(*args, device=device)


def _float_dtype_of(array, dtype):
    """f16, bf16 or f32: float16 arrays are f16, float32 arrays f32."""
    if dtype is not None:
        if dtype not in ("f16", "bf16", "f32"):
            raise _fused.FusedError(f"unsupported dtype '{dtype}' (expected "
                                    "f16, bf16 or f32)")
        return dtype
    kind = _np.asarray(array).dtype
    if kind == _np.float16:
        return "f16"
    if kind == _np.float32:
        return "f32"
    raise _fused.FusedError(f"inputs must be float16 or float32 arrays (or "
                            f"pass dtype='f16'/'bf16'/'f32'), got {kind}")


class Softmax:
    """fused.softmax over the last axis of a tensor of `shape`."""

    def __init__(self, shape, dtype="f32"):
        self.shape, self.dtype = tuple(shape), dtype

    def mlir(self):
        t = _tensor(self.shape, self.dtype)
        return (f"func.func @softmax(%x: {t}) -> {t} {{\n"
                f"  %y = fused.softmax %x axis = -1 : {t}\n"
                f"  return %y : {t}\n}}\n")


class _Norm:
    op = ""

    def __init__(self, shape, dtype="f32", weight=False, bias=False,
                 eps=None, param_dtype=None):
        self.shape, self.dtype = tuple(shape), dtype
        self.weight, self.bias, self.eps = weight, bias, eps
        self.param_dtype = param_dtype or dtype

    def mlir(self):
        t = _tensor(self.shape, self.dtype)
        w = _tensor(self.shape[-1:], self.param_dtype)
        args, params = ["%x: " + t], ""
        if self.weight:
            args.append("%g: " + w)
            params += f" weight(%g : {w})"
        if self.bias:
            args.append("%b: " + w)
            params += f" bias(%b : {w})"
        eps = ("" if self.eps is None
               else f" {{epsilon = {float(self.eps):e} : f64}}")
        return (f"func.func @{self.op}({', '.join(args)}) -> {t} {{\n"
                f"  %y = fused.{self.op} %x{params}{eps} : {t}\n"
                f"  return %y : {t}\n}}\n")


class LayerNorm(_Norm):
    """fused.layernorm over the last dimension, optional weight and bias."""
    op = "layernorm"


class RMSNorm(_Norm):
    """fused.rmsnorm over the last dimension, optional weight."""
    op = "rmsnorm"

    def __init__(self, shape, dtype="f32", weight=False, eps=None,
                 param_dtype=None):
        super().__init__(shape, dtype, weight, False, eps, param_dtype)


class Reduce:
    """fused.reduce_sum or fused.reduce_max over `axis`."""

    def __init__(self, shape, kind="sum", axis=-1, keepdim=False,
                 dtype="f32"):
        if kind not in ("sum", "max"):
            raise _fused.FusedError(f"unknown reduction '{kind}' (expected "
                                    "sum or max)")
        self.shape, self.kind, self.dtype = tuple(shape), kind, dtype
        self.axis, self.keepdim = int(axis), bool(keepdim)

    def mlir(self):
        rank = len(self.shape)
        axis = self.axis % rank if rank else 0
        out = [1 if d == axis else n for d, n in enumerate(self.shape)
               if self.keepdim or d != axis]
        t, o = _tensor(self.shape, self.dtype), _tensor(out, self.dtype)
        if not out:
            o = f"tensor<{self.dtype}>"
        keep = " keepdim" if self.keepdim else ""
        return (f"func.func @reduce(%x: {t}) -> {o} {{\n"
                f"  %y = fused.reduce_{self.kind} %x axis = {self.axis}{keep}"
                f" : {t} -> {o}\n  return %y : {o}\n}}\n")


class Transpose:
    """fused.transpose by `permutation` (numpy semantics)."""

    def __init__(self, shape, permutation, dtype="f32"):
        self.shape, self.dtype = tuple(shape), dtype
        self.permutation = tuple(int(p) for p in permutation)

    def mlir(self):
        out = [self.shape[p] for p in self.permutation]
        t, o = _tensor(self.shape, self.dtype), _tensor(out, self.dtype)
        perm = ", ".join(str(p) for p in self.permutation)
        return (f"func.func @transpose(%x: {t}) -> {o} {{\n"
                f"  %y = fused.transpose %x permutation = [{perm}] : {t} -> "
                f"{o}\n  return %y : {o}\n}}\n")


class Rope:
    """fused.rope: rotary embedding of `shape` [..., S, D] by cos and sin
    tables [S, R/2] (R <= D); `interleaved` pairs features (2j, 2j+1)
    (GPT-J), otherwise (j, j + R/2) (GPT-NeoX, Llama)."""

    def __init__(self, shape, table_shape, dtype="f32", table_dtype=None,
                 interleaved=False):
        self.shape, self.table_shape = tuple(shape), tuple(table_shape)
        self.dtype, self.table_dtype = dtype, table_dtype or dtype
        self.interleaved = bool(interleaved)

    def mlir(self):
        t = _tensor(self.shape, self.dtype)
        c = _tensor(self.table_shape, self.table_dtype)
        attr = " {interleaved}" if self.interleaved else ""
        return (f"func.func @rope(%x: {t}, %c: {c}, %s: {c}) -> {t} {{\n"
                f"  %y = fused.rope %x, %c, %s{attr} : {t}, {c}, {c}\n"
                f"  return %y : {t}\n}}\n")


def _run(builder, args, device):
    return _fused.compile(builder, device=device)(*args, device=device)


def softmax(x, dtype=None, device="auto"):
    """Softmax over the last axis of a numpy array; see Softmax."""
    return _run(Softmax(_np.shape(x), _float_dtype_of(x, dtype)), (x,),
                device)


def layernorm(x, weight=None, bias=None, eps=None, dtype=None, device="auto"):
    """Layer normalisation over the last dimension; see LayerNorm."""
    dt = _float_dtype_of(x, dtype)
    params = [p for p in (weight, bias) if p is not None]
    pdt = _float_dtype_of(params[0], None) if params and dtype is None else dt
    b = LayerNorm(_np.shape(x), dt, weight is not None, bias is not None, eps,
                  pdt)
    return _run(b, (x, *params), device)


def rmsnorm(x, weight=None, eps=None, dtype=None, device="auto"):
    """RMS normalisation over the last dimension; see RMSNorm."""
    dt = _float_dtype_of(x, dtype)
    pdt = (_float_dtype_of(weight, None)
           if weight is not None and dtype is None else dt)
    b = RMSNorm(_np.shape(x), dt, weight is not None, eps, pdt)
    return _run(b, (x,) if weight is None else (x, weight), device)


def reduce(x, kind="sum", axis=-1, keepdim=False, dtype=None, device="auto"):
    """Sum or max over one axis; see Reduce."""
    return _run(Reduce(_np.shape(x), kind, axis, keepdim,
                       _float_dtype_of(x, dtype)), (x,), device)


def transpose(x, permutation, dtype=None, device="auto"):
    """Permutes the dimensions of a numpy array; see Transpose."""
    return _run(Transpose(_np.shape(x), permutation,
                          _float_dtype_of(x, dtype)), (x,), device)


def rope(x, cos, sin, interleaved=False, dtype=None, device="auto"):
    """Rotary position embedding of a numpy array [..., S, D] by `cos` and
    `sin` [S, R/2]; see Rope."""
    dt = _float_dtype_of(x, dtype)
    tdt = _float_dtype_of(cos, None) if dtype is None else dt
    b = Rope(_np.shape(x), _np.shape(cos), dt, tdt, interleaved)
    return _run(b, (x, cos, sin), device)
