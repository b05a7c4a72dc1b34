#!/usr/bin/env bash
# Emulator benchmark: the counters of one run, then the median wall time of
# N whole `fused-compile --run --device=emulator --check` runs (compile, JIT,
# emulation of every block, float64 reference and comparison).
#   bench/emulator.sh [input.mlir] [runs]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
INPUT="${1:-$ROOT/bench/gemm512.mlir}"
RUNS="${2:-5}"
TOOL="${FUSED_BUILD_DIR:-$ROOT/build}/bin/fused-compile"
"$TOOL" --run --device=emulator --check --counters "$INPUT"
times=()
for _ in $(seq "$RUNS"); do
  start=$(date +%s%N)
  "$TOOL" --run --device=emulator --check "$INPUT" >/dev/null
  end=$(date +%s%N)
  times+=("$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.6f", (b - a) / 1e9}')")
done
printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1}
  END {printf "emulator run: median %.3f s of %d runs (min %.3f, max %.3f)\n",
       a[int((NR+1)/2)], NR, a[1], a[NR]}'
