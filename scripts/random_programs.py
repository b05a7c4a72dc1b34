#!/usr/bin/env python3
"""Differential testing of fused on random well-typed programs.

Each program is one function drawn at random from the families the compiler
takes: GEMMs with transposes, broadcast batches and random epilogue chains,
attention with random features (GQA, causal, bias of several broadcast
shapes, LSE, Sq != Skv, D != Dv, output type), softmax over any axis,
layernorm and rmsnorm (affine parameters of any float type, a residual add
returning the sum), reductions over any axis with and without keepdim,
elementwise chains with numpy broadcasting, transposes and rotary
embeddings; odd shapes, f16, bf16 and f32. Every program is compiled, run
on the emulator with fresh random inputs and compared with the float64
reference (`fused-compile --run --device=emulator --check`). The programs
are drawn well-conditioned, since the per-type tolerances cannot follow an
error that a computation amplifies: exp only of values bounded by 2 (a
16-bit intermediate's rounding error grows with the value through an exp),
norms of rows of 16 elements or more.

Outcomes: pass; failure (a result outside its tolerance, an emulator
report, a crash or any other unclean exit of the run); refused (the
compiler declines the program with a diagnostic and a clean exit code 1;
counted and listed, and a failure with --strict). A failing program is
shrunk: smaller shapes, fewer epilogue ops and features, while it still
fails the same way; the minimal program is written to --keep (default: the
working directory) as a ready lit regression test.

  scripts/random_programs.py --tool build/bin/fused-compile --seed 1 --count 40
  scripts/random_programs.py --count 10000 --seed $RANDOM      # long run

A progress line (programs done, failures, refusals, rate) goes to stderr;
the summary line 'random programs: N run, F failures, R refused' to stdout.
"""

import argparse
import copy
import os
import random
import re
import subprocess
import sys
import tempfile
import time

FLOATS = ["f16", "bf16", "f32"]
MIN_NORM_ROW = 16
UNARY = ["exp", "tanh", "silu", "relu", "neg", "sigmoid", "gelu tanh",
         "gelu erf"]
BINARY = ["add", "sub", "mul", "max", "min"]
CRASH = re.compile(r"Stack dump|LLVM ERROR|Assertion|PLEASE submit|"
                   r"Segmentation fault|Aborted|terminate called")


def unary_bound(op, bound):
    """The magnitude bound of unary `op`'s result on values bounded by
    `bound`."""
    if op == "exp":
        return 2.72 ** bound
    if op in ("tanh", "sigmoid"):
        return 1.0
    return bound


def unary_within(rng, bound):
    """A unary op for a value of magnitude at most `bound`, and the bound of
    its result. exp only of values bounded by 2: the rounding error of a
    16-bit intermediate grows by the value's magnitude through an exp, which
    no per-type tolerance follows (the drawn programs stay well-conditioned).
    """
    op = rng.choice([u for u in UNARY if u != "exp" or bound <= 2.0])
    return op, unary_bound(op, bound)


class Dyn(int):
    """A dimension written `?`: its value is the size the run gives."""


def dyn(value, on):
    return Dyn(value) if on else value


def ttype(shape, dtype):
    return "tensor<" + "".join(
        ("?x" if isinstance(d, Dyn) else f"{d}x") for d in shape) + dtype + ">"


def dynamic_size(spec):
    """The value of the program's one dynamic size (None: static)."""
    role = spec.get("dyn")
    if not role:
        return None
    if role == "shape0":
        return spec["shape"][0]
    if role == "length":
        return spec["shape"][-1]
    if role == "batch":
        return spec["batch"][0]
    return spec[role]


def odd(rng, lo, hi):
    """A size in [lo, hi], favouring ones that are not multiples of 8."""
    if rng.random() < 0.25:
        return rng.choice([v for v in (1, 8, 16, 32, 64, 128) if lo <= v <= hi]
                          or [lo])
    return rng.randint(lo, hi)


# ---------------------------------------------------------------------------
# Program specs: plain dicts, so that shrinking can edit them.
# ---------------------------------------------------------------------------

def gen_gemm(rng):
    dt = rng.choice(FLOATS)
    spec = {
        "kind": "gemm", "dtype": dt,
        "batch": rng.choice([[], [], [odd(rng, 1, 3)]]),
        "m": odd(rng, 1, 150), "n": odd(rng, 1, 150), "k": odd(rng, 1, 150),
        "ta": rng.random() < 0.25, "tb": rng.random() < 0.4,
        "shared_b": rng.random() < 0.3,
        "out": rng.choice(["f32", dt]),
        "epilogue": [],
        "cast": rng.random() < 0.3,
        "dyn": None,
    }
    if rng.random() < 0.3:
        spec["dyn"] = rng.choice(["m", "n", "k"] +
                                 (["batch"] if spec["batch"] else []))
    # The products' sum may reach K in magnitude.
    bound = float(spec["k"])
    spec["acts"] = []
    for _ in range(rng.choice([0, 0, 1, 2, 3])):
        step = rng.choice(["bias", "residual", "act"]) \
            if rng.random() < 0.9 else "scale"
        act, after = unary_within(rng, bound)
        bound = after if step == "act" else bound + 1.0
        spec["epilogue"].append(step)
        spec["acts"].append(act)
    return spec


def render_gemm(s, name):
    dt, role = s["dtype"], s.get("dyn")
    b = [dyn(v, role == "batch") for v in s["batch"]]
    m, n, k = (dyn(s[x], role == x) for x in ("m", "n", "k"))
    ashape = b + ([k, m] if s["ta"] else [m, k])
    bbatch = [] if s["shared_b"] else b
    bshape = bbatch + ([n, k] if s["tb"] else [k, n])
    oshape = b + [m, n]
    args = [("a", ttype(ashape, dt)), ("b", ttype(bshape, dt))]
    attrs = []
    if s["ta"]:
        attrs.append("transpose_a")
    if s["tb"]:
        attrs.append("transpose_b")
    attr = (" {" + ", ".join(attrs) + "}") if attrs else ""
    ot = s["out"]
    body = [f"  %v0 = fused.matmul %a, %b{attr} : {args[0][1]}, {args[1][1]}"
            f" -> {ttype(oshape, ot)}"]
    cur, i = "%v0", 0
    for step, act in zip(s["epilogue"], s["acts"]):
        i += 1
        t = ttype(oshape, ot)
        if step == "bias":
            args.append((f"e{i}", ttype([n], ot)))
            body.append(f"  %v{i} = fused.add {cur}, %e{i} : {t}, "
                        f"{ttype([n], ot)} -> {t}")
        elif step == "residual":
            args.append((f"e{i}", t))
            body.append(f"  %v{i} = fused.add {cur}, %e{i} : {t}, {t} -> {t}")
        elif step == "scale":
            args.append((f"e{i}", ttype([1], ot)))
            body.append(f"  %v{i} = fused.mul {cur}, %e{i} : {t}, "
                        f"{ttype([1], ot)} -> {t}")
        else:
            body.append(f"  %v{i} = fused.{act} {cur} : {t}")
        cur = f"%v{i}"
    rt = ttype(oshape, ot)
    if s["cast"] and ot != dt:
        i += 1
        rt = ttype(oshape, dt)
        body.append(f"  %v{i} = fused.cast {cur} : {ttype(oshape, ot)} to "
                    f"{rt}")
        cur = f"%v{i}"
    return func(name, args, body, [(cur, rt)])


def gen_attention(rng):
    dt = rng.choice(FLOATS)
    d = rng.choice([32, 64, 64, 96, 128])
    hkv = rng.randint(1, 2)
    spec = {
        "kind": "attention", "dtype": dt, "b": rng.randint(1, 2),
        "hkv": hkv, "group": rng.choice([1, 1, 2, 4]),
        "sq": odd(rng, 1, 130), "skv": odd(rng, 1, 130),
        "d": d, "dv": d if rng.random() < 0.8 else rng.choice([32, 64]),
        "causal": rng.random() < 0.5,
        "bias": rng.choice([None, None, "2d", "4d", "heads"]),
        "bias_dtype": rng.choice(FLOATS),
        "lse": rng.random() < 0.3,
        "out": rng.choice([dt, dt, "f32"]),
        "dyn": rng.choice([None, None, None, "sq", "skv", "b"]),
    }
    return spec


def render_attention(s, name):
    dt, role = s["dtype"], s.get("dyn")
    b, hkv, hq = dyn(s["b"], role == "b"), s["hkv"], s["hkv"] * s["group"]
    sq, skv = dyn(s["sq"], role == "sq"), dyn(s["skv"], role == "skv")
    d, dv = s["d"], s["dv"]
    qt = ttype([b, hq, sq, d], dt)
    kt = ttype([b, hkv, skv, d], dt)
    vt = ttype([b, hkv, skv, dv], dt)
    args = [("q", qt), ("k", kt), ("v", vt)]
    bias = ""
    if s["bias"]:
        shape = {"2d": [sq, skv], "4d": [b, hq, sq, skv],
                 "heads": [1, hq, 1, skv]}[s["bias"]]
        bt = ttype(shape, s["bias_dtype"])
        args.append(("bias", bt))
        bias = f" bias(%bias : {bt})"
    attr = " {causal}" if s["causal"] else ""
    ot = ttype([b, hq, sq, dv], s["out"])
    results = [("%o", ot)]
    lhs = "%o"
    rtypes = ot
    if s["lse"]:
        lt = ttype([b, hq, sq], "f32")
        results.append(("%lse", lt))
        lhs = "%o, %lse"
        rtypes += ", " + lt
    body = [f"  {lhs} = fused.attention %q, %k, %v{bias}{attr} : {qt}, {kt},"
            f" {vt} -> {rtypes}"]
    return func(name, args, body, results)


def gen_shape(rng, rank=None, total=40000):
    rank = rank or rng.randint(1, 3)
    while True:
        shape = [odd(rng, 1, 70) for _ in range(rank)]
        if rank >= 1 and rng.random() < 0.5:
            shape[-1] = odd(rng, 1, 3000)
        size = 1
        for v in shape:
            size *= v
        if size <= total:
            return shape


def gen_rowwise(rng):
    dt = rng.choice(FLOATS)
    op = rng.choice(["softmax", "layernorm", "rmsnorm"])
    shape = gen_shape(rng, rng.randint(1, 3))
    if op != "softmax":
        # A norm of a few elements that nearly agree divides their rounding
        # error by a deviation of the same size (ill-conditioned).
        shape[-1] = max(shape[-1], MIN_NORM_ROW)
    spec = {"kind": "rowwise", "op": op, "dtype": dt, "shape": shape,
            "axis": rng.randint(-len(shape), -1) if op == "softmax" else -1,
            "weight": op != "softmax" and rng.random() < 0.6,
            "bias": op == "layernorm" and rng.random() < 0.5,
            "param_dtype": rng.choice([dt, dt, "f32"]),
            "residual": op != "softmax" and rng.random() < 0.3}
    # Dynamic rows or row length; a softmax over another axis, a dynamic
    # first dimension.
    spec["dyn"] = None
    if rng.random() < 0.3:
        if spec["axis"] != -1:
            spec["dyn"] = "shape0"
        elif len(shape) < 2 or rng.random() < 0.4:
            spec["dyn"] = "length"
        else:
            spec["dyn"] = "shape0"
    return spec


def leading_dynamic(s):
    """The spec's shape with its first (or, for a dynamic row length, last)
    dimension `?` where it is dynamic."""
    shape = list(s["shape"])
    if s.get("dyn") == "shape0":
        shape[0] = Dyn(shape[0])
    if s.get("dyn") == "length":
        shape[-1] = Dyn(shape[-1])
    return shape


def render_rowwise(s, name):
    dt, shape = s["dtype"], leading_dynamic(s)
    t = ttype(shape, dt)
    args = [("x", t)]
    body, results = [], []
    cur = "%x"
    if s["residual"]:
        args.append(("r", t))
        body.append(f"  %s = fused.add %x, %r : {t}, {t} -> {t}")
        cur = "%s"
        results.append(("%s", t))
    if s["op"] == "softmax":
        body.append(f"  %y = fused.softmax {cur} axis = {s['axis']} : {t}")
    else:
        pt = ttype([shape[-1]], s["param_dtype"])
        extra = ""
        if s["weight"]:
            args.append(("g", pt))
            extra += f" weight(%g : {pt})"
        if s["bias"] and s["op"] == "layernorm":
            args.append(("b", pt))
            extra += f" bias(%b : {pt})"
        body.append(f"  %y = fused.{s['op']} {cur}{extra} : {t}")
    results.append(("%y", t))
    return func(name, args, body, results)


def gen_reduce(rng):
    shape = gen_shape(rng, rng.randint(1, 3))
    return {"kind": "reduce", "op": rng.choice(["reduce_sum", "reduce_max"]),
            "dtype": rng.choice(FLOATS), "shape": shape,
            "axis": rng.randint(0, len(shape) - 1),
            "keepdim": rng.random() < 0.4,
            "dyn": "shape0" if rng.random() < 0.25 else None}


def render_reduce(s, name):
    shape, ax = leading_dynamic(s), s["axis"]
    t = ttype(shape, s["dtype"])
    out = list(shape)
    if s["keepdim"]:
        out[ax] = 1
    else:
        del out[ax]
    rt = ttype(out, s["dtype"])
    kd = " keepdim" if s["keepdim"] else ""
    body = [f"  %y = fused.{s['op']} %x axis = {ax}{kd} : {t} -> {rt}"]
    return func(name, [("x", t)], body, [("%y", rt)])


def gen_elementwise(rng):
    shape = gen_shape(rng, rng.randint(1, 3))
    steps = []
    bound = 1.0  # inputs are uniform in [-1, 1)
    for _ in range(rng.randint(1, 4)):
        if rng.random() < 0.5:
            op, after = unary_within(rng, bound)
            if op == "neg" and steps and steps[-1][1] == "neg":
                continue  # neg(neg(x)) folds away: a program without kernel
            bound = after
            steps.append(("unary", op, None))
        else:
            # The other operand: the full shape, or broadcast (leading
            # dimensions dropped, or dimensions set to 1), kept as that
            # rule so that it follows the shape when shrinking.
            drop, ones = 0, [False] * len(shape)
            r = rng.random()
            if r < 0.3:
                drop = rng.randint(0, len(shape) - 1)
            elif r < 0.6:
                ones = [rng.random() < 0.5 for _ in shape]
            op = rng.choice(BINARY)
            bound = bound * 1.0 if op == "mul" else bound + 1.0
            steps.append(("binary", op, {"drop": drop, "ones": ones}))
    return {"kind": "elementwise", "dtype": rng.choice(FLOATS),
            "shape": shape, "steps": steps,
            "dyn": "shape0" if len(shape) >= 2 and shape[0] > 1 and
            rng.random() < 0.3 else None}


def s_drop(s, i):
    """How many leading dimensions step `i`'s other operand drops."""
    return s["steps"][i][2]["drop"]


def render_elementwise(s, name):
    dt, shape = s["dtype"], leading_dynamic(s)
    t = ttype(shape, dt)
    args = [("x", t)]
    body = []
    cur = "%x"
    for i, (kind, op, other) in enumerate(s["steps"]):
        if kind == "unary":
            body.append(f"  %v{i} = fused.{op} {cur} : {t}")
        else:
            other = [1 if one else d for d, one in zip(shape, other["ones"])]
            other = other[min(s_drop(s, i), len(other) - 1):]
            ot = ttype(other, dt)
            args.append((f"o{i}", ot))
            body.append(f"  %v{i} = fused.{op} {cur}, %o{i} : {t}, {ot} -> "
                        f"{t}")
        cur = f"%v{i}"
    return func(name, args, body, [(cur, t)])


def gen_transpose(rng):
    rank = rng.randint(2, 4)
    shape = gen_shape(rng, rank, total=30000)
    perm = list(range(rank))
    while perm == list(range(rank)):
        rng.shuffle(perm)
    # A dynamic first dimension: where the innermost dimension stays in
    # place (row copies) and the first moves, or in tiled transposes.
    movable = perm[-1] != rank - 1 or perm[0] != 0
    return {"kind": "transpose", "dtype": rng.choice(FLOATS),
            "shape": shape, "perm": perm,
            "dyn": "shape0" if movable and rng.random() < 0.5 else None}


def render_transpose(s, name):
    shape = leading_dynamic(s)
    t = ttype(shape, s["dtype"])
    out = [shape[p] for p in s["perm"]]
    rt = ttype(out, s["dtype"])
    perm = ", ".join(str(p) for p in s["perm"])
    body = [f"  %y = fused.transpose %x permutation = [{perm}] : {t} -> {rt}"]
    return func(name, [("x", t)], body, [("%y", rt)])


def gen_rope(rng):
    d = 2 * rng.randint(1, 64)
    lead = [odd(rng, 1, 4) for _ in range(rng.randint(0, 2))]
    return {"kind": "rope", "dtype": rng.choice(FLOATS),
            "lead": lead,
            "s": odd(rng, 1, 70), "d": d,
            "r": 2 * rng.randint(1, d // 2),
            "table_dtype": rng.choice(FLOATS),
            "interleaved": rng.random() < 0.4,
            "dyn": "s" if rng.random() < 0.3 else None}


def render_rope(s, name):
    positions = dyn(s["s"], s.get("dyn") == "s")
    shape = list(s["lead"]) + [positions, s["d"]]
    t = ttype(shape, s["dtype"])
    tt = ttype([positions, s["r"] // 2], s["table_dtype"])
    attr = " {interleaved}" if s["interleaved"] else ""
    body = [f"  %y = fused.rope %x, %c, %s{attr} : {t}, {tt}, {tt}"]
    return func(name, [("x", t), ("c", tt), ("s", tt)], body, [("%y", t)])


def func(name, args, body, results):
    sig = ", ".join(f"%{a}: {t}" for a, t in args)
    rts = ", ".join(t for _, t in results)
    vals = ", ".join(v for v, _ in results)
    ret = f"({rts})" if len(results) > 1 else rts
    return (f"func.func @{name}({sig}) -> {ret} {{\n" + "\n".join(body) +
            f"\n  return {vals} : {rts}\n}}\n")


GENERATORS = {
    "gemm": (gen_gemm, render_gemm, 3),
    "attention": (gen_attention, render_attention, 2),
    "rowwise": (gen_rowwise, render_rowwise, 2),
    "reduce": (gen_reduce, render_reduce, 1),
    "elementwise": (gen_elementwise, render_elementwise, 2),
    "transpose": (gen_transpose, render_transpose, 1),
    "rope": (gen_rope, render_rope, 1),
}


def generate(rng, kinds):
    weights = [GENERATORS[k][2] for k in kinds]
    kind = rng.choices(kinds, weights)[0]
    return GENERATORS[kind][0](rng)


def render(spec, name):
    return GENERATORS[spec["kind"]][1](spec, name)


# ---------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------

class Outcome:
    def __init__(self, status, detail=""):
        self.status = status  # "pass", "fail", "refused"
        self.detail = detail

    def same(self, other):
        """Whether `other` fails the same way (for shrinking)."""
        return other.status == self.status and \
            other.signature() == self.signature()

    def signature(self):
        d = self.detail
        if self.status == "refused":
            return "refused: " + re.sub(r"'tensor<[^>]*>'", "'tensor<...>'", d)
        if self.status != "fail":
            return self.status
        if "relative error" in d or "FAIL" in d:
            return "mismatch"
        if CRASH.search(d):
            return "crash"
        m = re.search(r"the emulator found .*\n\s*([^:]*)", d)
        if m:
            return "emulator report: " + m.group(1).strip()
        m = re.search(r"error: (.*)", d)
        return "error: " + (m.group(1)[:60] if m else
                            d.strip().splitlines()[-1][:60] if d.strip()
                            else "no output")


def run_file(tool, path, seed, timeout, size=None):
    cmd = [tool, "--run", "--device=emulator", "--check", f"--seed={seed}",
           path]
    if size is not None:
        cmd.append(f"--sizes={size}")
    try:
        p = subprocess.run(cmd, capture_output=True, text=True,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, "timed out after %d s" % timeout
    except OSError as e:
        sys.exit(f"random_programs.py: cannot run {tool}: {e}")
    return p.returncode, p.stdout + p.stderr


def classify(rc, out, names):
    """Outcome per function name from one run's exit code and output."""
    if rc is None:
        # A batch that timed out: each program runs alone.
        return {} if len(names) > 1 else {names[0]: Outcome("fail", out)}
    results = {}
    for n in names:
        lines = [l for l in out.splitlines() if l.startswith(f"@{n} ")]
        if any("FAIL" in l for l in lines):
            results[n] = Outcome("fail", "\n".join(lines))
        elif rc == 0 and any("PASS" in l for l in lines):
            results[n] = Outcome("pass")
    if rc == 0 and len(results) == len(names):
        return results
    if len(names) > 1:
        return results  # the caller reruns the undecided ones alone
    n = names[0]
    if n in results:
        return results
    if rc == 1 and "error:" in out and not CRASH.search(out) and \
            "@" + n + " result" not in out and "emulator" not in out.lower():
        return {n: Outcome("refused", first_error(out))}
    return {n: Outcome("fail", out.strip()[-2000:] or f"exit code {rc}")}


def first_error(out):
    m = re.search(r"error: (.*)", out)
    return m.group(1).strip() if m else out.strip()[:200]


def check(tool, specs, seed, timeout, workdir):
    """Outcomes of `specs` (a list), run in one file, then alone where the
    batch leaves them undecided."""
    names = [f"p{i}" for i in range(len(specs))]
    # Programs with a dynamic size run alone, with their size.
    static = [(n, s) for n, s in zip(names, specs)
              if dynamic_size(s) is None]
    results = {}
    if static:
        path = os.path.join(workdir, "batch.mlir")
        with open(path, "w") as f:
            for n, s in static:
                f.write(render(s, n))
        rc, out = run_file(tool, path, seed, timeout * len(static))
        results = classify(rc, out, [n for n, _ in static])
    for n, s in zip(names, specs):
        if n in results:
            continue
        one = os.path.join(workdir, "one.mlir")
        with open(one, "w") as f:
            f.write(render(s, n))
        rc1, out1 = run_file(tool, one, seed, timeout, dynamic_size(s))
        results.update(classify(rc1, out1, [n]))
    return [results[n] for n in names]


# ---------------------------------------------------------------------------
# Shrinking
# ---------------------------------------------------------------------------

def well_conditioned(spec):
    """Whether every exp in `spec` takes values bounded by 2 (the rule the
    generator follows; a shrunk program must keep it)."""
    if spec["kind"] == "gemm":
        bound = float(spec["k"])
        for step, act in zip(spec["epilogue"], spec["acts"]):
            if step != "act":
                bound += 1.0
                continue
            if act == "exp" and bound > 2.0:
                return False
            bound = unary_bound(act, bound)
    elif spec["kind"] == "elementwise":
        bound = 1.0
        for kind, op, _ in spec["steps"]:
            if kind == "binary":
                bound = bound if op == "mul" else bound + 1.0
                continue
            if op == "exp" and bound > 2.0:
                return False
            bound = unary_bound(op, bound)
    return True


def candidates(spec):
    """Smaller variants of `spec`, most promising first."""
    out = []

    def variant(**kw):
        v = copy.deepcopy(spec)
        v.update(kw)
        out.append(v)

    for key in ("m", "n", "k", "sq", "skv", "s", "b", "group", "hkv"):
        if key in spec and spec[key] > 1:
            variant(**{key: 1})
            variant(**{key: max(1, spec[key] // 2)})
            variant(**{key: spec[key] - 1})
    for key in ("shape", "batch", "lead"):
        if key in spec:
            for i, v in enumerate(spec[key]):
                if v > 1:
                    for smaller in (1, v // 2, v - 1):
                        shape = list(spec[key])
                        shape[i] = max(1, smaller)
                        variant(**{key: shape})
            if key != "shape" and spec[key]:
                variant(**{key: spec[key][1:]})
    if "epilogue" in spec:
        for i in range(len(spec["epilogue"])):
            variant(epilogue=spec["epilogue"][:i] + spec["epilogue"][i + 1:],
                    acts=spec["acts"][:i] + spec["acts"][i + 1:])
    if "steps" in spec and len(spec["steps"]) > 1:
        for i in range(len(spec["steps"])):
            variant(steps=spec["steps"][:i] + spec["steps"][i + 1:])
    for flag in ("causal", "lse", "ta", "tb", "cast", "residual", "weight",
                 "bias", "interleaved", "keepdim", "shared_b"):
        if spec.get(flag):
            variant(**{flag: None if flag == "bias" and
                       spec["kind"] == "attention" else False})
    if spec.get("dyn"):
        variant(dyn=None)
    # Shapes that must stay consistent: rank with axis, r with d, a
    # dynamic dimension with the dimensions it names.
    valid = []
    for v in out:
        if (v.get("dyn") == "batch" and not v["batch"]) or \
                (v["kind"] == "elementwise" and v.get("dyn") and
                 v["shape"][0] == 1):
            v["dyn"] = None
        if v["kind"] == "rope":
            v["r"] = min(v["r"], v["d"])
        if v["kind"] in ("rowwise",) and v["op"] == "softmax":
            v["axis"] = max(v["axis"], -len(v["shape"]))
        if v["kind"] == "transpose" and len(v["perm"]) != len(v["shape"]):
            continue
        if v["kind"] == "rowwise" and v["op"] != "softmax" and \
                v["shape"][-1] < MIN_NORM_ROW:
            continue
        if v != spec and well_conditioned(v):
            valid.append(v)
    return valid


def shrink(tool, spec, outcome, seed, timeout, workdir, budget=150):
    tried = 0
    improved = True
    while improved and tried < budget:
        improved = False
        for cand in candidates(spec):
            tried += 1
            got = check(tool, [cand], seed, timeout, workdir)[0]
            if outcome.same(got):
                spec, outcome = cand, got
                improved = True
                break
            if tried >= budget:
                break
    return spec, outcome


def regression_test(spec, outcome, seed):
    text = render(spec, "regression")
    size = dynamic_size(spec)
    sizes = "" if size is None else f" --sizes={size}"
    return ("/// A program found by scripts/random_programs.py (seed of the "
            "inputs: %d),\n/// shrunk; it failed with: %s\n"
            "// RUN: fused-compile --run --device=emulator --check --seed=%d"
            "%s %%s | FileCheck %%s\n// CHECK-NOT: FAIL\n// CHECK: PASS\n\n%s"
            % (seed, outcome.signature(), seed, sizes, text))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tool", default="fused-compile")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--batch", type=int, default=8,
                    help="programs per fused-compile run")
    ap.add_argument("--timeout", type=int, default=120,
                    help="seconds per program")
    ap.add_argument("--kinds", default=",".join(GENERATORS),
                    help="comma-separated families to draw from")
    ap.add_argument("--strict", action="store_true",
                    help="count refused programs as failures")
    ap.add_argument("--keep", default=".",
                    help="where shrunk failing programs are written")
    ap.add_argument("--no-shrink", action="store_true")
    ap.add_argument("--print", action="store_true",
                    help="print the programs instead of running them")
    args = ap.parse_args()
    kinds = [k for k in args.kinds.split(",") if k]
    for k in kinds:
        if k not in GENERATORS:
            ap.error(f"unknown family '{k}' (families: "
                     f"{', '.join(GENERATORS)})")
    rng = random.Random(args.seed)
    specs = [generate(rng, kinds) for _ in range(args.count)]
    if args.print:
        for i, s in enumerate(specs):
            sys.stdout.write(render(s, f"p{i}"))
        return 0
    start = time.time()
    done = failures = 0
    refused = {}
    found = []
    with tempfile.TemporaryDirectory() as workdir:
        for first in range(0, len(specs), args.batch):
            chunk = specs[first:first + args.batch]
            seed = args.seed * 1000003 + first
            for i, (spec, outcome) in enumerate(
                    zip(chunk, check(args.tool, chunk, seed, args.timeout,
                                     workdir))):
                done += 1
                if outcome.status == "refused":
                    why = re.sub(r"'tensor<[^>]*>'", "'tensor<...>'",
                                 outcome.detail)
                    refused.setdefault(why, []).append(
                        render(spec, f"p{first + i}"))
                    if not args.strict:
                        continue
                if outcome.status == "pass":
                    continue
                failures += 1
                small, so = (spec, outcome) if args.no_shrink else shrink(
                    args.tool, spec, outcome, seed, args.timeout, workdir)
                path = os.path.join(
                    args.keep, f"random-program-{args.seed}-{first + i}.mlir")
                with open(path, "w") as f:
                    f.write(regression_test(small, so, seed))
                found.append((first + i, so, path, render(small, "p")))
            rate = done / max(time.time() - start, 1e-9)
            print(f"\rprograms {done}/{len(specs)}, failures {failures}, "
                  f"refused {sum(len(v) for v in refused.values())}, "
                  f"{rate:.2f} programs/s", end="", file=sys.stderr,
                  flush=True)
    print(file=sys.stderr)
    for i, outcome, path, text in found:
        print(f"program {i}: {outcome.signature()} (shrunk: {path})")
        print(text + outcome.detail[:1500])
    for why, programs in sorted(refused.items()):
        print(f"refused ({len(programs)}): {why}\n{programs[0]}")
    n_refused = sum(len(v) for v in refused.values())
    print(f"random programs: {done} run, {failures} failures, "
          f"{n_refused} refused")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
