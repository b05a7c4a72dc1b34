#!/usr/bin/env bash
# Attention forward benchmark on a CUDA GPU: the standard shapes (batch x
# sequence = 16k tokens, hidden 2048 so heads = 2048 / D, head dim 64 and
# 128, causal and not, f16), each checked against the float64 reference
# and timed with `fused-compile --run --device=cuda --check --bench=N`
# (median of N event-timed launches, TFLOP/s and fraction of peak).
# Reference points (shared/DESIGN.md, H100 SXM, fp16 forward, D = 128,
# seq 16k): FlashAttention-3 ~648 TFLOP/s (causal ~616), FlashAttention-2
# ~370, Triton tutorial ~395-487; peak 989.
#   bench/attention.sh [runs] [seq lengths...]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOL="${FUSED_BUILD_DIR:-$ROOT/build}/bin/fused-compile"
RUNS="${1:-20}"
shift || true
SEQS=("$@")
[ ${#SEQS[@]} -eq 0 ] && SEQS=(512 1024 2048 4096 8192 16384)
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
for d in 64 128; do
  heads=$((2048 / d))
  for s in "${SEQS[@]}"; do
    b=$((16384 / s))
    for causal in 0 1; do
      attr=""; tag=full
      if [ "$causal" = 1 ]; then attr=" {causal}"; tag=causal; fi
      t="tensor<${b}x${heads}x${s}x${d}xf16>"
      name="d${d}_s${s}_b${b}_${tag}"
      cat > "$TMP/$name.mlir" <<MLIR
func.func @$name(%q: $t, %k: $t, %v: $t) -> $t {
  %o = fused.attention %q, %k, %v$attr : $t, $t, $t -> $t
  return %o : $t
}
MLIR
      "$TOOL" --run --device=cuda --check --bench="$RUNS" "$TMP/$name.mlir" \
        | grep -E "TFLOP/s|relative error"
    done
  done
done
