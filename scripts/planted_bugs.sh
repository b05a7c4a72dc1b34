#!/usr/bin/env bash
# The planted-bug suite: every miscompilation fused-compile --plant-bug
# knows is planted in turn into the kernels of INPUT (those it lists as
# "[sm_90a kernels]" into the Hopper kernels of HOPPER_INPUT, compiled with
# --chip=sm_90a), run on the emulator with --check; a bug is caught when the
# run fails with an emulator report or a FAIL against the reference (a
# crash is not a catch). Prints one line per bug and "planted bugs caught:
# N/M"; exits non-zero unless all are.
#   scripts/planted_bugs.sh [input.mlir [hopper-input.mlir]]
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
INPUT="${1:-$ROOT/test/Emulator/Inputs/planted-bugs.mlir}"
HOPPER_INPUT="${2:-$ROOT/test/Emulator/Inputs/planted-bugs-hopper.mlir}"
TOOL="${FUSED_COMPILE:-${FUSED_BUILD_DIR:-$ROOT/build}/bin/fused-compile}"
list=$("$TOOL" --list-planted-bugs) || exit 2
bugs=$(cut -d: -f1 <<<"$list")
caught=0 total=0
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
for bug in $bugs; do
  total=$((total + 1))
  args=("$INPUT")
  if grep -q "^$bug: .*\[sm_90a kernels\]$" <<<"$list"; then
    args=(--chip=sm_90a "$HOPPER_INPUT")
  fi
  "$TOOL" --run --device=emulator --check --plant-bug="$bug" "${args[@]}" >"$out" 2>&1
  rc=$?
  how=""
  if [ "$rc" -ne 0 ] && [ "$rc" -lt 128 ]; then
    if grep -q "the emulator found" "$out"; then how="report"
    elif grep -q " FAIL$" "$out"; then how="FAIL against the reference"
    fi
  fi
  if [ -n "$how" ]; then
    caught=$((caught + 1))
    echo "planted bug $bug: caught ($how)"
  else
    echo "planted bug $bug: MISSED (exit $rc)"
  fi
done
echo "planted bugs caught: $caught/$total"
[ "$caught" -eq "$total" ]
