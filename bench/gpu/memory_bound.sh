#!/usr/bin/env bash
# Times the memory-bound benchmark bundles that prepare.sh lists in
# memory-index.txt (softmax, norms, SwiGLU, a reduction, transposes) with
# fused-run --bench on a GPU: GB/s of each function's minimum traffic (its
# inputs read once, its outputs written once) and the fraction of the
# device's memory bandwidth (the goal is 90% or more). Writes memory.md (a
# table) to OUTDIR. bench/gpu/run.sh calls it.
#   bench/gpu/memory_bound.sh FUSED_RUN BUNDLES OUTDIR [RUNS]
set -uo pipefail
RUN="${1:?usage: memory_bound.sh FUSED_RUN BUNDLES OUTDIR [RUNS]}"
BUNDLES="${2:?}"; OUT="${3:?}"; RUNS="${4:-20}"
[ -f "$BUNDLES/memory-index.txt" ] || { echo "memory_bound.sh: no memory-index.txt in $BUNDLES (run prepare.sh)"; exit 2; }
{
  echo "| kernel | ms | GB/s | of memory bandwidth |"
  echo "|---|---|---|---|"
} >"$OUT/memory.md"
status=0
while read -r name label; do
  [ -n "$name" ] || continue
  line="$(timeout 30 "$RUN" "$BUNDLES/$name" --device=cuda --bench="$RUNS" 2>&1 | grep 'per call' | head -1)"
  ms="$(echo "$line" | sed -n 's/.*: \([0-9.]*\) ms per call.*/\1/p')"
  gbps="$(echo "$line" | sed -n 's/.*, \([0-9.]*\) GB\/s.*/\1/p')"
  frac="$(echo "$line" | sed -n 's/.*(\([0-9.]*%\) of memory bandwidth).*/\1/p')"
  [ -n "$gbps" ] || status=1
  echo "$label: ${gbps:-failed} GB/s${frac:+ ($frac of memory bandwidth)}"
  echo "| $label | ${ms:-} | ${gbps:-failed} | ${frac:-} |" >>"$OUT/memory.md"
done <"$BUNDLES/memory-index.txt"
exit $status
