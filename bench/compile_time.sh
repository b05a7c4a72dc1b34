#!/usr/bin/env bash
# Median wall time of N compilations of one input (default: the 4096^3 GEMM
# to cubin, ptxas included), for a chip (default: fused-compile's).
#   bench/compile_time.sh [input.mlir] [emit-kind] [runs] [chip]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
INPUT="${1:-$ROOT/bench/gemm4096.mlir}"
EMIT="${2:-cubin}"
RUNS="${3:-5}"
CHIP=()
if [ -n "${4:-}" ]; then CHIP=(--chip="$4"); fi
TOOL="${FUSED_BUILD_DIR:-$ROOT/build}/bin/fused-compile"
OUT="$(mktemp)"
"$TOOL" --emit="$EMIT" "${CHIP[@]}" "$INPUT" -o "$OUT" >/dev/null   # warm the file cache
times=()
for _ in $(seq "$RUNS"); do
  start=$(date +%s%N)
  "$TOOL" --emit="$EMIT" "${CHIP[@]}" "$INPUT" -o "$OUT" >/dev/null
  end=$(date +%s%N)
  times+=("$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.6f", (b - a) / 1e9}')")
done
rm -f "$OUT"
printf '%s\n' "${times[@]}" | sort -n | awk -v emit="$EMIT" '{a[NR]=$1}
  END {printf "--emit=%s: median %.3f s of %d runs (min %.3f, max %.3f)\n",
       emit, a[int((NR+1)/2)], NR, a[1], a[NR]}'
