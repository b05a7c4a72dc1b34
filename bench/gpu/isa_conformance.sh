#!/usr/bin/env bash
# ISA conformance: the warp instructions the emulator implements (mma.sync
# m16n8k16 f16/bf16, ldmatrix x1/x2/x4 with and without .trans, shfl.sync in
# every mode and width) with the inputs of tools/isa-conformance/IsaCases.h,
# on the GPU (inline PTX, built with nvcc) and through the emulator's
# collectives; the two outputs must be identical. On an sm_90 GPU, the same
# for TMA and wgmma (HopperCases.h, hopper_conformance.cu for sm_90a).
#   bench/gpu/isa_conformance.sh [out-dir]
# Without a GPU it builds the GPU program, runs the emulator side and says
# that the comparison needs a GPU (exit 0); with one, it exits non-zero on
# any difference. Needs nvcc ($CUDA_HOME/bin, PATH or /usr/local/cuda/bin).
# $ISA_EMULATOR_OUTPUT names the emulator side's output prepared elsewhere
# (bench/gpu/prepare.sh), for machines without the full build.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD="${FUSED_BUILD_DIR:-$ROOT/build}"
OUT="${1:-$BUILD/isa-conformance}"
mkdir -p "$OUT"
NVCC=""
for c in "${CUDA_HOME:-}/bin/nvcc" "$(command -v nvcc || true)" /usr/local/cuda/bin/nvcc; do
  if [ -n "$c" ] && [ -x "$c" ]; then NVCC="$c"; break; fi
done
[ -n "$NVCC" ] || { echo "isa-conformance: no nvcc found" >&2; exit 2; }
SRC="$ROOT/tools/isa-conformance"
GPU_BIN="${ISA_CONFORMANCE_GPU:-$OUT/isa-conformance-gpu}"
if [ ! -x "$GPU_BIN" ]; then
  "$NVCC" -std=c++17 -O2 -I "$SRC" \
    -gencode arch=compute_80,code=sm_80 -gencode arch=compute_90,code=sm_90 \
    -gencode arch=compute_90,code=compute_90 \
    "$SRC/isa_conformance.cu" -o "$GPU_BIN"
fi
if [ -n "${ISA_EMULATOR_OUTPUT:-}" ]; then
  cp "$ISA_EMULATOR_OUTPUT" "$OUT/emulator.txt"
else
  "$BUILD/bin/fused-isa-conformance-emu" > "$OUT/emulator.txt"
fi
echo "isa-conformance: emulator side: $(wc -l < "$OUT/emulator.txt") lines ($OUT/emulator.txt)"
if ! "$GPU_BIN" > "$OUT/gpu.txt" 2> "$OUT/gpu.err"; then
  echo "isa-conformance: no GPU ran the program ($(tail -1 "$OUT/gpu.err")); the comparison needs one"
  exit 0
fi
echo "isa-conformance: GPU side: $(head -1 "$OUT/gpu.err" | sed 's/^isa-conformance-gpu: //')"
status=0
if cmp -s "$OUT/emulator.txt" "$OUT/gpu.txt"; then
  echo "isa-conformance: bit-exact: $(wc -l < "$OUT/gpu.txt") lines identical"
else
  echo "isa-conformance: MISMATCH: $(diff "$OUT/emulator.txt" "$OUT/gpu.txt" | grep -c '^<') lines differ; first:"
  diff "$OUT/emulator.txt" "$OUT/gpu.txt" | head -10
  status=1
fi

# The Hopper units (TMA, wgmma: tools/isa-conformance/HopperCases.h) on an
# sm_90 GPU, built for sm_90a; $HOPPER_EMULATOR_OUTPUT names the emulator
# side prepared elsewhere.
if grep -q "(sm_90)" "$OUT/gpu.err"; then
  HOPPER_BIN="$OUT/hopper-conformance-gpu"
  "$NVCC" -std=c++17 -O2 -I "$SRC" -gencode arch=compute_90a,code=sm_90a \
    "$SRC/hopper_conformance.cu" -o "$HOPPER_BIN" 2>"$OUT/hopper-build.log"
  if [ -n "${HOPPER_EMULATOR_OUTPUT:-}" ]; then
    cp "$HOPPER_EMULATOR_OUTPUT" "$OUT/hopper-emulator.txt"
  else
    "$BUILD/bin/fused-hopper-conformance-emu" > "$OUT/hopper-emulator.txt"
  fi
  if ! "$HOPPER_BIN" > "$OUT/hopper-gpu.txt" 2> "$OUT/hopper-gpu.err"; then
    echo "hopper-conformance: the GPU program failed: $(tail -1 "$OUT/hopper-gpu.err")"
    status=1
  elif cmp -s "$OUT/hopper-emulator.txt" "$OUT/hopper-gpu.txt"; then
    echo "hopper-conformance: bit-exact: $(wc -l < "$OUT/hopper-gpu.txt") lines identical"
  else
    echo "hopper-conformance: MISMATCH: $(diff "$OUT/hopper-emulator.txt" "$OUT/hopper-gpu.txt" | grep -c '^<') lines differ; first:"
    diff "$OUT/hopper-emulator.txt" "$OUT/hopper-gpu.txt" | head -10
    status=1
  fi
else
  echo "hopper-conformance: not an sm_90 GPU: the TMA and wgmma cases need one"
fi
exit $status
