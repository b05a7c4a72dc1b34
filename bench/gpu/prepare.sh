#!/usr/bin/env bash
# Prepares everything a GPU machine needs for bench/gpu/run.sh, on a
# development machine (the GPU machines have no LLVM/MLIR): bundles for
# sm_90 and sm_80 in bench/gpu/bundles (ignored by git; pass it to the
# device run as a carried path).
#   - check bundles, with seeded inputs and float64 reference outputs: the
#     GEMM matrix (f16, bf16), the attention subset and the attention
#     features (test/Integration) and one small case of each memory-bound
#     kernel kind (bench/gpu/kinds.mlir), for sm_90 and sm_80, and the
#     GPT-2 block (examples/, a dynamic token count) at 96 tokens, for sm_90;
#   - the Hopper GEMM (bench/gpu/hopper.mlir) for sm_90a, with reference
#     data;
#   - benchmark bundles, without reference data: GEMM 4096^3 and 8192^3 in
#     f16 and bf16 (and 4096^3 f32), the 16-bit ones also as sm_90a bundles
#     of the Hopper kernel; attention with batch x sequence = 16k tokens and hidden
#     size 2048 (32 heads of 64, 16 heads of 128), sequence lengths 512 to
#     16k, causal and not, f16;
#   - memory-bound benchmark bundles (softmax, layernorm, rmsnorm, SwiGLU,
#     a row reduction, transposes, RoPE, residual add + rmsnorm) at
#     transformer sizes, listed in memory-index.txt;
#   - the emulator's side of the ISA conformance programs (isa-emulator.txt,
#     hopper-emulator.txt).
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

# The emulator image (and, for some bundles, the PTX) stays here: the GPU
# does not need it, and the folder must fit in what a device run carries.
drop_images() { # bundle directory, image formats...
  python3 - "$@" <<'PY'
import json, os, sys
d, formats = sys.argv[1], sys.argv[2:]
path = os.path.join(d, "manifest.json")
m = json.load(open(path))
for im in [im for im in m["images"] if im["format"] in formats]:
    os.remove(os.path.join(d, im["file"]))
m["images"] = [im for im in m["images"] if im["format"] not in formats]
with open(path, "w") as f:
    json.dump(m, f, indent=2, sort_keys=True)
PY
}

# A check bundle on the emulator against its references; on a failure,
# what fused-run said.
emulator_check() { # bundle log
  if ! "$BUILD/bin/fused-run" "$1" --device=emulator --check > "$2" 2>&1; then
    echo "prepare.sh: $(basename "$1") fails on the emulator:" >&2
    grep -v ' PASS$' "$2" | tail -20 >&2
    exit 1
  fi
}

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
    emulator_check "$OUT/check-$f" "$TMP/emu-$f.log"
  fi
  # The matrices keep their cubins only (the features and kinds bundles
  # keep their PTX too, for devices that need the driver's JIT).
  case "$f" in
    *matrix*) drop_images "$OUT/check-$f" emulator ptx ;;
    *) drop_images "$OUT/check-$f" emulator ;;
  esac
  echo "check-$f: $(grep -c '^func.func' "$TMP/$f.mlir") functions, $(du -sh "$OUT/check-$f" | cut -f1)"
  if [ "$CHECK_HERE" = 1 ]; then
    echo "  on the emulator: $(grep -c ' PASS$' "$TMP/emu-$f.log") results PASS, $(grep -c ' FAIL$' "$TMP/emu-$f.log") FAIL"
    if grep -q ' FAIL$' "$TMP/emu-$f.log"; then exit 1; fi
  fi
done

echo "== one small case of each memory-bound kernel kind (bench/gpu/kinds.mlir)"
"$COMPILE" --emit=bundle --with-reference --seed=13 --chip=sm_90,sm_80 \
  "$ROOT/bench/gpu/kinds.mlir" -o "$OUT/check-kinds"
if [ "$CHECK_HERE" = 1 ]; then
  emulator_check "$OUT/check-kinds" "$TMP/emu-kinds.log"
fi
drop_images "$OUT/check-kinds" emulator
echo "check-kinds: $(grep -c '^func.func' "$ROOT/bench/gpu/kinds.mlir") functions, $(du -sh "$OUT/check-kinds" | cut -f1)"
if [ "$CHECK_HERE" = 1 ]; then
  echo "  on the emulator: $(grep -c ' PASS$' "$TMP/emu-kinds.log") results PASS, $(grep -c ' FAIL$' "$TMP/emu-kinds.log") FAIL"
  if grep -q ' FAIL$' "$TMP/emu-kinds.log"; then exit 1; fi
fi

echo "== the Hopper GEMM (sm_90a: TMA, mbarriers, wgmma; bench/gpu/hopper.mlir)"
"$COMPILE" --emit=bundle --with-reference --seed=14 --chip=sm_90a \
  "$ROOT/bench/gpu/hopper.mlir" -o "$OUT/check-hopper-gemm"
if [ "$CHECK_HERE" = 1 ]; then
  emulator_check "$OUT/check-hopper-gemm" "$TMP/emu-hopper-gemm.log"
  if grep -q ' FAIL$' "$TMP/emu-hopper-gemm.log"; then exit 1; fi
fi
drop_images "$OUT/check-hopper-gemm" emulator ptx
echo "check-hopper-gemm: $(grep -c '^func.func' "$ROOT/bench/gpu/hopper.mlir") functions, $(du -sh "$OUT/check-hopper-gemm" | cut -f1)"
if [ "$CHECK_HERE" = 1 ]; then
  echo "  on the emulator: $(grep -c ' PASS$' "$TMP/emu-hopper-gemm.log") results PASS, $(grep -c ' FAIL$' "$TMP/emu-hopper-gemm.log") FAIL"
fi

echo "== the GPT-2 block (a dynamic token count; reference data at 96 tokens)"
# The sm_90 cubin only (code for sm_90a: its GEMMs are the Hopper kernels),
# and one token count: the folder's space is nearly
# all taken (the 37-token cross-check of the same kernels runs on the
# emulator in CI).
"$COMPILE" --emit=bundle --with-reference --seed=12 --sizes=96 --chip=sm_90 \
  "$ROOT/examples/gpt2_block.mlir" -o "$OUT/check-gpt2_block"
if [ "$CHECK_HERE" = 1 ]; then
  emulator_check "$OUT/check-gpt2_block" "$TMP/emu-gpt2_block.log"
  if grep -q ' FAIL$' "$TMP/emu-gpt2_block.log"; then exit 1; fi
fi
drop_images "$OUT/check-gpt2_block" emulator ptx
echo "check-gpt2_block: $(du -sh "$OUT/check-gpt2_block" | cut -f1)"

echo "== benchmark bundles"
: > "$OUT/index.txt"
bench_bundle() { # name kind params... < mlir ($CHIPS: the chips)
  local name="$1"; shift
  cat > "$TMP/$name.mlir"
  "$COMPILE" --emit=bundle --bundle-emulator-image=false --chip="${CHIPS:-sm_90,sm_80}" \
    "$TMP/$name.mlir" -o "$OUT/bench-$name"
  echo "bench-$name $*" >> "$OUT/index.txt"
}
for dt in f16 bf16 f32; do
  for n in 4096 8192; do
    # f32 (bf16 tensor cores, each operand split in three parts): 4096 only.
    if [ "$dt" = f32 ] && [ "$n" != 4096 ]; then continue; fi
    t="tensor<${n}x${n}x${dt}>"
    bench_bundle "gemm_${n}_${dt}" gemm "$n" "$n" "$n" "$dt" <<MLIR
func.func @gemm(%a: $t, %b: $t) -> $t {
  %c = fused.matmul %a, %b : $t, $t -> $t
  return %c : $t
}
MLIR
    # The Hopper kernel (TMA and wgmma), beside the Ampere-class one.
    if [ "$dt" != f32 ]; then
      CHIPS=sm_90a bench_bundle "gemm_${n}_${dt}_sm90a" gemm "$n" "$n" "$n" "$dt" <<MLIR
func.func @gemm(%a: $t, %b: $t) -> $t {
  %c = fused.matmul %a, %b : $t, $t -> $t
  return %c : $t
}
MLIR
    fi
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

echo "== memory-bound benchmark bundles"
: > "$OUT/memory-index.txt"
memory_bundle() { # name label... < mlir
  local name="$1"; shift
  cat > "$TMP/$name.mlir"
  "$COMPILE" --emit=bundle --bundle-emulator-image=false --chip=sm_90,sm_80 \
    "$TMP/$name.mlir" -o "$OUT/bench-$name"
  echo "bench-$name $*" >> "$OUT/memory-index.txt"
}
# Transformer-sized activations: 16k tokens of hidden size 4096 (or the
# MLP's 11008), the vocabulary's 50257 for a softmax, 8192^2 transposes.
x="tensor<16384x4096xf16>"; w="tensor<4096xf16>"
memory_bundle softmax_16k_4096_f16 "softmax 16384x4096 f16" <<MLIR
func.func @softmax(%x: $x) -> $x {
  %y = fused.softmax %x axis = -1 : $x
  return %y : $x
}
MLIR
memory_bundle softmax_1k_vocab_f32 "softmax 1024x50257 f32 (streamed)" <<MLIR
func.func @softmax(%x: tensor<1024x50257xf32>) -> tensor<1024x50257xf32> {
  %y = fused.softmax %x axis = -1 : tensor<1024x50257xf32>
  return %y : tensor<1024x50257xf32>
}
MLIR
memory_bundle layernorm_16k_4096_f16 "layernorm 16384x4096 f16, weight and bias" <<MLIR
func.func @layernorm(%x: $x, %g: $w, %b: $w) -> $x {
  %y = fused.layernorm %x weight(%g : $w) bias(%b : $w) : $x
  return %y : $x
}
MLIR
memory_bundle rmsnorm_16k_4096_bf16 "rmsnorm 16384x4096 bf16, weight" <<MLIR
func.func @rmsnorm(%x: tensor<16384x4096xbf16>, %g: tensor<4096xbf16>) -> tensor<16384x4096xbf16> {
  %y = fused.rmsnorm %x weight(%g : tensor<4096xbf16>) : tensor<16384x4096xbf16>
  return %y : tensor<16384x4096xbf16>
}
MLIR
memory_bundle swiglu_16k_11008_bf16 "SwiGLU silu(a) * b 16384x11008 bf16" <<MLIR
func.func @swiglu(%a: tensor<16384x11008xbf16>, %b: tensor<16384x11008xbf16>) -> tensor<16384x11008xbf16> {
  %s = fused.silu %a : tensor<16384x11008xbf16>
  %y = fused.mul %s, %b : tensor<16384x11008xbf16>, tensor<16384x11008xbf16> -> tensor<16384x11008xbf16>
  return %y : tensor<16384x11008xbf16>
}
MLIR
memory_bundle reduce_rows_16k_4096_f32 "reduce_sum rows 16384x4096 f32" <<MLIR
func.func @reduce(%x: tensor<16384x4096xf32>) -> tensor<16384xf32> {
  %y = fused.reduce_sum %x axis = 1 : tensor<16384x4096xf32> -> tensor<16384xf32>
  return %y : tensor<16384xf32>
}
MLIR
memory_bundle transpose_8192_f16 "transpose 8192x8192 f16" <<MLIR
func.func @transpose(%x: tensor<8192x8192xf16>) -> tensor<8192x8192xf16> {
  %y = fused.transpose %x permutation = [1, 0] : tensor<8192x8192xf16> -> tensor<8192x8192xf16>
  return %y : tensor<8192x8192xf16>
}
MLIR
memory_bundle heads_16x1024x32x128_f16 "transpose [B,S,H,D] to [B,H,S,D] 16x1024x32x128 f16" <<MLIR
func.func @heads(%x: tensor<16x1024x32x128xf16>) -> tensor<16x32x1024x128xf16> {
  %y = fused.transpose %x permutation = [0, 2, 1, 3] : tensor<16x1024x32x128xf16> -> tensor<16x32x1024x128xf16>
  return %y : tensor<16x32x1024x128xf16>
}
MLIR
memory_bundle rope_4096_llama_bf16 "RoPE of Llama queries 1x32x4096x128 bf16, f32 tables" <<MLIR
func.func @rope(%q: tensor<1x32x4096x128xbf16>, %c: tensor<4096x64xf32>, %s: tensor<4096x64xf32>) -> tensor<1x32x4096x128xbf16> {
  %y = fused.rope %q, %c, %s : tensor<1x32x4096x128xbf16>, tensor<4096x64xf32>, tensor<4096x64xf32>
  return %y : tensor<1x32x4096x128xbf16>
}
MLIR
memory_bundle add_rmsnorm_16k_4096_bf16 "residual add + rmsnorm 16384x4096 bf16 (sum and norm)" <<MLIR
func.func @add_rmsnorm(%a: tensor<16384x4096xbf16>, %b: tensor<16384x4096xbf16>, %g: tensor<4096xbf16>) -> (tensor<16384x4096xbf16>, tensor<16384x4096xbf16>) {
  %s = fused.add %a, %b : tensor<16384x4096xbf16>, tensor<16384x4096xbf16> -> tensor<16384x4096xbf16>
  %y = fused.rmsnorm %s weight(%g : tensor<4096xbf16>) : tensor<16384x4096xbf16>
  return %s, %y : tensor<16384x4096xbf16>, tensor<16384x4096xbf16>
}
MLIR
echo "memory-index.txt: $(wc -l < "$OUT/memory-index.txt") memory-bound bundles"

echo "== ISA conformance, the emulator's side"
"$BUILD/bin/fused-isa-conformance-emu" > "$OUT/isa-emulator.txt"
echo "isa-emulator.txt: $(wc -l < "$OUT/isa-emulator.txt") lines"
"$BUILD/bin/fused-hopper-conformance-emu" > "$OUT/hopper-emulator.txt"
echo "hopper-emulator.txt: $(wc -l < "$OUT/hopper-emulator.txt") lines"

size=$(du -sm "$OUT" | cut -f1)
echo "== bench/gpu/bundles: $(ls -d "$OUT"/check-* "$OUT"/bench-* | wc -l) bundles, ${size} MiB, prepared in $((SECONDS - start)) s"
if [ "$size" -gt 40 ]; then
  echo "prepare.sh: the bundles take ${size} MiB, more than the 40 MiB a device run carries" >&2
  exit 1
fi
