#!/usr/bin/env bash
# Prepares everything a GPU machine needs for bench/gpu/run.sh, on a
# development machine (the GPU machines have no LLVM/MLIR): bundles for
# sm_90 and sm_80 in bench/gpu/bundles (ignored by git; pass it to the
# device run as a carried path).
#   - check bundles, with seeded inputs and float64 reference outputs: the
#     GEMM matrix (f16, bf16), the attention subset and the attention
#     features (test/Integration);
#   - benchmark bundles, without reference data: GEMM 4096^3 and 8192^3 in
#     f16 and bf16; attention with batch x sequence = 16k tokens and hidden
#     size 2048 (32 heads of 64, 16 heads of 128), sequence lengths 512 to
#     16k, causal and not, f16;
#   - the emulator's side of the ISA conformance program (isa-emulator.txt).
# ($FUSED_GPU_BUNDLES overrides the folder.) index.txt lists the benchmark
# bundles and their shapes. Each check bundle is run on the emulator here
# (fused-run --device=emulator --check) before its emulator image is
# removed to save space.
#   bench/gpu/prepare.sh [--no-emulator-check]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="${FUSED_BUILD_DIR:-$ROOT/build}"
OUT="${FUSED_GPU_BUNDLES:-$ROOT/bench/gpu/bundles}"
COMPILE="$BUILD/bin/fused-compile"
CHECK_HERE=1
[ "${1:-}" = "--no-emulator-check" ] && CHECK_HERE=0
[ -x "$COMPILE" ] || { echo "prepare.sh: build first (./fused.sh build)" >&2; exit 1; }
rm -rf "$OUT"
mkdir -p "$OUT"
start=$SECONDS

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

echo "== check bundles (with reference data)"
# The CI matrices, less their two largest GEMM shapes (1000^3 and the
# 1x512x4096 GEMV: their inputs and references alone would exceed what a
# device run carries; CI runs them on the emulator).
for f in gemm-matrix-f16 gemm-matrix-bf16 attention-matrix attention-features; do
  python3 - "$ROOT/test/Integration/$f.mlir" "$TMP/$f.mlir" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
funcs = re.findall(r"^func\.func @(\w+)\(.*?^}\n", text, re.S | re.M)
blocks = re.findall(r"^func\.func @\w+\(.*?^}\n", text, re.S | re.M)
keep = [b for n, b in zip(funcs, blocks) if not re.match(r"(big1000|gemv)_", n)]
open(sys.argv[2], "w").write("\n".join(keep))
PY
  "$COMPILE" --emit=bundle --with-reference --seed=11 --chip=sm_90,sm_80 \
    "$TMP/$f.mlir" -o "$OUT/check-$f"
  if [ "$CHECK_HERE" = 1 ]; then
    # This very bundle (its manifest, inputs and references) on the
    # emulator.
    "$BUILD/bin/fused-run" "$OUT/check-$f" --device=emulator --check > "$TMP/emu-$f.log"
  fi
  # The emulator image stays here: the GPU does not need it, and the
  # folder must fit in what a device run carries.
  python3 - "$OUT/check-$f" <<'PY'
import json, os, sys
d = sys.argv[1]
path = os.path.join(d, "manifest.json")
m = json.load(open(path))
for im in [im for im in m["images"] if im["format"] == "emulator"]:
    os.remove(os.path.join(d, im["file"]))
m["images"] = [im for im in m["images"] if im["format"] != "emulator"]
with open(path, "w") as f:
    json.dump(m, f, indent=2, sort_keys=True)
PY
  echo "check-$f: $(grep -c '^func.func' "$TMP/$f.mlir") functions, $(du -sh "$OUT/check-$f" | cut -f1)"
  if [ "$CHECK_HERE" = 1 ]; then
    echo "  on the emulator: $(grep -c ' PASS$' "$TMP/emu-$f.log") results PASS, $(grep -c ' FAIL$' "$TMP/emu-$f.log") FAIL"
    ! grep -q ' FAIL$' "$TMP/emu-$f.log"
  fi
done

echo "== benchmark bundles"
: > "$OUT/index.txt"
bench_bundle() { # name kind params... < mlir
  local name="$1"; shift
  cat > "$TMP/$name.mlir"
  "$COMPILE" --emit=bundle --bundle-emulator-image=false --chip=sm_90,sm_80 \
    "$TMP/$name.mlir" -o "$OUT/bench-$name"
  echo "bench-$name $*" >> "$OUT/index.txt"
}
for dt in f16 bf16; do
  for n in 4096 8192; do
    t="tensor<${n}x${n}x${dt}>"
    bench_bundle "gemm_${n}_${dt}" gemm "$n" "$n" "$n" "$dt" <<MLIR
func.func @gemm(%a: $t, %b: $t) -> $t {
  %c = fused.matmul %a, %b : $t, $t -> $t
  return %c : $t
}
MLIR
  done
done
for d in 64 128; do
  heads=$((2048 / d))
  for s in 512 1024 2048 4096 8192 16384; do
    b=$((16384 / s))
    for causal in 0 1; do
      attr=""; tag=full
      if [ "$causal" = 1 ]; then attr=" {causal}"; tag=causal; fi
      t="tensor<${b}x${heads}x${s}x${d}xf16>"
      bench_bundle "attention_d${d}_s${s}_${tag}" attention "$b" "$heads" "$s" "$d" "$causal" f16 <<MLIR
func.func @attention(%q: $t, %k: $t, %v: $t) -> $t {
  %o = fused.attention %q, %k, %v$attr : $t, $t, $t -> $t
  return %o : $t
}
MLIR
    done
  done
done

echo "== ISA conformance, the emulator's side"
"$BUILD/bin/fused-isa-conformance-emu" > "$OUT/isa-emulator.txt"
echo "isa-emulator.txt: $(wc -l < "$OUT/isa-emulator.txt") lines"

size=$(du -sm "$OUT" | cut -f1)
echo "== bench/gpu/bundles: $(ls -d "$OUT"/check-* "$OUT"/bench-* | wc -l) bundles, ${size} MiB, prepared in $((SECONDS - start)) s"
if [ "$size" -gt 40 ]; then
  echo "prepare.sh: the bundles take ${size} MiB, more than the 40 MiB a device run carries" >&2
  exit 1
fi
