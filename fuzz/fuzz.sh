#!/usr/bin/env bash
# fuzz/fuzz.sh SECONDS — builds the libFuzzer targets of fuzz/ with clang-22
# (ASan and UBSan on, in ./build-fuzz or FUSED_FUZZ_BUILD_DIR) and runs each
# for SECONDS (default 60) from its seed corpus (fuzz/corpus/TARGET, copied
# to build-fuzz/corpus/TARGET, where what it finds accumulates). Prints per
# target the executions run; a crash, leak or sanitizer report fails the run
# and leaves the input that caused it in build-fuzz/crashes/TARGET. The
# mutations follow FUSED_FUZZ_SEED (default 1), so that a run is repeatable
# up to how far the time lets it go; FUSED_FUZZ_SEED=0 draws a seed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${FUSED_FUZZ_BUILD_DIR:-$ROOT/build-fuzz}"
SECONDS_EACH="${1:-60}"
CXX=clang++-22
TARGETS=(ManifestFuzzer ShapeExprFuzzer NpyFuzzer)
RUNTIME=(Json.cpp ShapeExpr.cpp Bundle.cpp Images.cpp Float16.cpp
         Compare.cpp CudaBackend.cpp)

if ! command -v "$CXX" >/dev/null ||
   ! ls /usr/lib/llvm-22/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a \
        >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    clang-22 libclang-rt-22-dev >/dev/null
fi

mkdir -p "$OUT/obj"
OUT="$(cd "$OUT" && pwd)"  # absolute: the runs below change directory
FLAGS=(-std=c++17 -g -O1 -fno-omit-frame-pointer
       -fsanitize=fuzzer-no-link,address,undefined
       -fno-sanitize-recover=undefined -I"$ROOT/include")
# The runtime, instrumented, once for all targets.
objs=()
for f in "${RUNTIME[@]}"; do
  o="$OUT/obj/${f%.cpp}.o"
  if [ ! -e "$o" ] || [ "$ROOT/runtime/$f" -nt "$o" ] ||
     [ -n "$(find "$ROOT/include/fused/Runtime" -newer "$o" -print -quit)" ]; then
    "$CXX" "${FLAGS[@]}" -c "$ROOT/runtime/$f" -o "$o"
  fi
  objs+=("$o")
done

status=0
for t in "${TARGETS[@]}"; do
  "$CXX" "${FLAGS[@]}" -fsanitize=fuzzer "$ROOT/fuzz/$t.cpp" "${objs[@]}" \
    -ldl -o "$OUT/$t"
  corpus="$OUT/corpus/$t" crashes="$OUT/crashes/$t"
  mkdir -p "$corpus" "$crashes"
  cp -n "$ROOT/fuzz/corpus/$t/"* "$corpus/" 2>/dev/null || true
  log="$OUT/$t.log"
  if (cd "$crashes" && ASAN_OPTIONS=detect_leaks=1 \
      UBSAN_OPTIONS=print_stacktrace=1 "$OUT/$t" -max_total_time="$SECONDS_EACH" \
      -print_final_stats=1 -max_len=65536 -timeout=10 \
      -seed="${FUSED_FUZZ_SEED:-1}" "$corpus") >"$log" 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
    echo "fuzz $t: $runs executions in ${SECONDS_EACH} s, no crash"
  else
    status=1
    echo "fuzz $t: FAILED (inputs in $crashes)"
    grep -m1 -A25 'ERROR\|runtime error\|deadly signal' "$log" || tail -30 "$log"
  fi
done
exit $status
