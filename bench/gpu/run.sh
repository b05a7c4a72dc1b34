#!/usr/bin/env bash
# One command for a GPU machine (nvcc, CMake, Ninja and a Python 3 with
# PyTorch; no LLVM/MLIR, no network), after bench/gpu/prepare.sh has made
# bench/gpu/bundles on a development machine:
#   1. builds the runtime-only part (fused-run, libfused_runtime) into OUTDIR;
#   2. runs every check bundle (fused-run --check: GEMM matrix, attention
#      subset and features, the Hopper GEMM (sm_90a: TMA, wgmma), the GPT-2
#      block at 96 tokens, against their float64 references) and times the
#      block at 4096 tokens;
#   3. runs the GEMM and attention-feature checks again through
#      fused.runtime on PyTorch CUDA tensors (bench/gpu/torch_check.py);
#   4. times fused on the benchmark bundles (fused-run --bench; the GEMMs
#      with the Ampere-class and the Hopper kernel);
#   5. times the memory-bound bundles (bench/gpu/memory_bound.sh: GB/s and
#      the fraction of the device's memory bandwidth);
#   6. times torch.matmul (cuBLAS) and scaled_dot_product_attention (flash
#      and cuDNN backends) on the same shapes (bench/gpu/peers.py), prints
#      the table of TFLOP/s and fused/peer ratios and draws the charts;
#   7. runs the ISA conformance programs against the emulator's output
#      (on an sm_90 GPU also TMA and wgmma);
#   8. runs compute-sanitizer (memcheck, racecheck, synccheck) on one small
#      check of each kernel kind (GEMM, attention, and bench/gpu/kinds.mlir
#      for the memory-bound kinds), when it is installed (PATH, $CUDA_HOME
#      or /usr/local/cuda).
# Logs, the table (results.md) and charts go to OUTDIR. A normal run
# takes about 6 minutes; every step runs under a time limit of its own
# (each launch of fused-run and each sanitizer run at most 2 minutes, the
# peers 3), so that a hung step cannot stall it.
# It exits non-zero without a GPU (saying so), and when a check fails, the
# ISA comparison is not bit-exact or a sanitizer reports.
#   bench/gpu/run.sh OUTDIR [--runs N]
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="${1:?usage: bench/gpu/run.sh OUTDIR [--runs N]}"
RUNS=20
[ "${2:-}" = "--runs" ] && RUNS="${3:-20}"
BUNDLES="${FUSED_GPU_BUNDLES:-$ROOT/bench/gpu/bundles}"
mkdir -p "$OUT"
start=$SECONDS
step() { printf '\n== [%s] %s (%d s)\n' "$1" "$2" "$((SECONDS - start))"; }
[ -f "$BUNDLES/index.txt" ] || { echo "run.sh: no bundles: run bench/gpu/prepare.sh on a development machine first" >&2; exit 2; }

step 1/8 "runtime-only build"
if ! { timeout 300 cmake -G Ninja -S "$ROOT" -B "$OUT/build" -DFUSED_RUNTIME_ONLY=ON \
         -DCMAKE_BUILD_TYPE=Release >"$OUT/build.log" 2>&1 &&
       timeout 300 ninja -C "$OUT/build" >>"$OUT/build.log" 2>&1; }; then
  echo "run.sh: the runtime-only build failed:"; tail -20 "$OUT/build.log"; exit 1
fi
RUN="$OUT/build/bin/fused-run"

# Is there a GPU? fused-run says plainly when there is none.
probe="$("$RUN" "$BUNDLES/check-attention-features" --device=cuda --function=nothing 2>&1)"
if echo "$probe" | grep -qE "no CUDA driver|no CUDA device|did not initialise"; then
  echo "run.sh: no GPU on this machine: ${probe#fused-run: }"
  exit 1
fi

step 2/8 "checks against the float64 reference"
checks_pass=0 checks_fail=0
for b in "$BUNDLES"/check-*/; do
  name="$(basename "$b")"
  timeout 120 "$RUN" "$b" --device=cuda --check >"$OUT/$name.log" 2>&1
  rc=$?
  # The GPT-2 block carries an sm_90a cubin only (an H100 or H200 loads it).
  if [ "$rc" -ne 0 ] && grep -q "no kernel image loads on" "$OUT/$name.log" &&
     [ "$name" = check-gpt2_block ]; then
    echo "$name: skipped (an sm_90a cubin only)"; continue
  fi
  p=$(grep -c ' PASS$' "$OUT/$name.log"); f=$(grep -c ' FAIL$' "$OUT/$name.log")
  checks_pass=$((checks_pass + p)); checks_fail=$((checks_fail + f))
  [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && checks_fail=$((checks_fail + 1))
  echo "$name: $p PASS, $f FAIL$( [ $rc -ne 0 ] && echo " (exit $rc: $(tail -1 "$OUT/$name.log"))")"
done
# The GPT-2 block's kernels take any token count: timed at 4096 tokens
# (random inputs; the check above is at 96).
if [ -d "$BUNDLES/check-gpt2_block" ]; then
  line="$(timeout 60 "$RUN" "$BUNDLES/check-gpt2_block" --device=cuda --sizes=4096 --bench="$RUNS" 2>&1 | grep 'per call' | head -1)"
  echo "gpt2_block at 4096 tokens: ${line:-failed}"
fi

step 3/8 "fused.runtime on PyTorch CUDA tensors (their memory, a side stream)"
torch_status="skipped (no PyTorch with CUDA)"
if python3 -c "import torch; assert torch.cuda.is_available()" 2>/dev/null; then
  FUSED_RUNTIME_LIB="$OUT/build/lib/libfused_runtime.so" timeout 120 python3 \
    "$ROOT/bench/gpu/torch_check.py" --device=cuda \
    "$BUNDLES/check-gemm-matrix-f16" "$BUNDLES/check-attention-features" \
    >"$OUT/torch-check.log" 2>&1
  rc=$?
  p=$(grep -c ' PASS$' "$OUT/torch-check.log"); f=$(grep -c ' FAIL$' "$OUT/torch-check.log")
  torch_status="$p PASS, $f FAIL$( [ $rc -ne 0 ] && echo " (exit $rc: $(tail -1 "$OUT/torch-check.log"))")"
  checks_pass=$((checks_pass + p)); checks_fail=$((checks_fail + f))
  [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && checks_fail=$((checks_fail + 1))
fi
echo "PyTorch tensors: $torch_status"

step 4/8 "fused timings (median of $RUNS launches)"
: >"$OUT/fused.txt"
while read -r name kind rest; do
  line="$(timeout 30 "$RUN" "$BUNDLES/$name" --device=cuda --bench="$RUNS" 2>&1 | grep 'per call' | head -1)"
  tflops="$(echo "$line" | sed -n 's/.*, \([0-9.]*\) TFLOP\/s.*/\1/p')"
  echo "$name $kind $rest ${tflops:-nan}" >>"$OUT/fused.txt"
  echo "$name: ${tflops:-failed} TFLOP/s"
done <"$BUNDLES/index.txt"

step 5/8 "memory-bound kernels (GB/s, fraction of memory bandwidth)"
"$ROOT/bench/gpu/memory_bound.sh" "$RUN" "$BUNDLES" "$OUT" "$RUNS" 2>&1 | tee "$OUT/memory.log"

step 6/8 "peers: cuBLAS (torch.matmul), SDPA flash and cuDNN"
if python3 -c "import torch; assert torch.cuda.is_available()" 2>/dev/null; then
  timeout 180 python3 "$ROOT/bench/gpu/peers.py" "$BUNDLES/index.txt" "$OUT/fused.txt" \
    "$OUT" --runs "$RUNS" 2>&1 | tee "$OUT/peers.log"
else
  echo "run.sh: no PyTorch with CUDA here: no peer timings" | tee "$OUT/peers.log"
fi

step 7/8 "ISA conformance against the emulator"
ISA_EMULATOR_OUTPUT="$BUNDLES/isa-emulator.txt" \
  HOPPER_EMULATOR_OUTPUT="$BUNDLES/hopper-emulator.txt" \
  timeout 180 "$ROOT/bench/gpu/isa_conformance.sh" "$OUT/isa" >"$OUT/isa.log" 2>&1
isa="$(grep -E '^isa-conformance: (bit-exact|MISMATCH|no GPU|no nvcc)' "$OUT/isa.log" | head -1 | sed 's/^isa-conformance: //')"
echo "ISA conformance: ${isa:-failed (see $OUT/isa.log)}"
hopper="$(grep -E '^hopper-conformance: ' "$OUT/isa.log" | head -1 | sed 's/^hopper-conformance: //')"
echo "Hopper conformance (TMA, wgmma): ${hopper:-not run (see $OUT/isa.log)}"

step 8/8 "compute-sanitizer"
# One small case of each kernel kind: a GEMM with an epilogue (Ampere-class
# and Hopper kernels), an attention
# with bias, causal mask and LSE, and the memory-bound kinds (row-wise,
# elementwise, reduction, transpose, RoPE: the whole check-kinds bundle).
sanitizer="$(command -v compute-sanitizer || true)"
for d in "${CUDA_HOME:-}" /usr/local/cuda; do
  [ -z "$sanitizer" ] && [ -n "$d" ] && [ -x "$d/bin/compute-sanitizer" ] &&
    sanitizer="$d/bin/compute-sanitizer"
done
san="skipped (no compute-sanitizer)"
san_reports=0
if [ -n "$sanitizer" ]; then
  san=""
  for tool in memcheck racecheck synccheck; do
    for fn in "check-gemm-matrix-f16 sq128_bias_gelu" \
              "check-hopper-gemm tails_bias_gelu" \
              "check-attention-features bias_causal_lse" "check-kinds all"; do
      set -- $fn
      [ -d "$BUNDLES/$1" ] || continue
      sel=(); [ "$2" != all ] && sel=(--function="$2")
      log="$OUT/sanitizer-$tool-$2.log"
      timeout 120 "$sanitizer" --tool "$tool" --error-exitcode 9 "$RUN" \
        "$BUNDLES/$1" --device=cuda "${sel[@]}" >"$log" 2>&1
      rc=$?
      case $rc in
        0) san+="$tool/$2 clean; " ;;
        9) san+="$tool/$2 REPORTS (see $log); "; san_reports=$((san_reports + 1)) ;;
        124) san+="$tool/$2 timed out; "; san_reports=$((san_reports + 1)) ;;
        *) san+="$tool/$2 failed (exit $rc, see $log); "; san_reports=$((san_reports + 1)) ;;
      esac
    done
  done
fi
echo "compute-sanitizer: $san"

{
  device="$(grep -h -m1 '^device: ' "$OUT"/check-*.log 2>/dev/null | head -1 | sed 's/^device: //; s/, image:.*//')"
  [ -n "$device" ] || device="$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -1)"
  echo "# bench/gpu/run.sh on ${device:-an unnamed device}, $(date -u +%Y-%m-%d)"
  echo
  echo "checks: $checks_pass PASS, $checks_fail FAIL (of which PyTorch tensors: $torch_status)"
  echo
  echo "ISA conformance: $isa"
  echo
  echo "Hopper conformance (TMA, wgmma): ${hopper:-not run}"
  echo
  echo "compute-sanitizer: $san"
  echo
  [ -f "$OUT/table.md" ] && cat "$OUT/table.md"
  echo
  [ -f "$OUT/memory.md" ] && cat "$OUT/memory.md"
} >"$OUT/results.md"
step done "$(basename "$OUT")/results.md"
cat "$OUT/results.md"
# Non-zero when a check failed, the ISA comparison did not come out
# bit-exact on a GPU, or a sanitizer reported (or could not finish).
status=0
[ "$checks_fail" -eq 0 ] || { echo "run.sh: $checks_fail check(s) failed" >&2; status=1; }
case "$isa" in *bit-exact*|*"no nvcc"*) ;; *) echo "run.sh: ISA conformance: $isa" >&2; status=1 ;; esac
case "$hopper" in *MISMATCH*|*failed*) echo "run.sh: Hopper conformance: $hopper" >&2; status=1 ;; esac
[ "$san_reports" -eq 0 ] || { echo "run.sh: compute-sanitizer: $san_reports run(s) with reports or errors" >&2; status=1; }
exit $status
