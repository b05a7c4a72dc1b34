#!/usr/bin/env bash
# fuzz/fuzz.sh SECONDS — builds the libFuzzer targets of fuzz/ with clang-22
# (ASan and UBSan on, in ./build-fuzz or FUSED_FUZZ_BUILD_DIR) and runs each
# for SECONDS (default 60). The runtime's targets (the manifest reader and
# argument checks, size expressions, .npy files) start from fuzz/corpus/
# TARGET; the compiler's (ParseFuzzer: parse, verify, print round trip and
# canonicalizer; CApiFuzzer: the whole compiler through fused_compile) from
# the functions of the lit suite's .mlir files, one seed each, with
# fuzz/fused.dict. Corpora are copied to build-fuzz/corpus/TARGET, where
# what a run finds accumulates. Prints per target the executions run; a
# crash, leak, timeout or sanitizer report fails the run and leaves the
# input that caused it in build-fuzz/crashes/TARGET. The mutations follow
# FUSED_FUZZ_SEED (default 1), so that a run is repeatable up to how far
# the time lets it go; FUSED_FUZZ_SEED=0 draws a seed. The compiler's
# targets are built by CMake (FUSED_FUZZ=ON) in build-fuzz/compiler.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${FUSED_FUZZ_BUILD_DIR:-$ROOT/build-fuzz}"
SECONDS_EACH="${1:-60}"
CXX=clang++-22
TARGETS=(ManifestFuzzer ShapeExprFuzzer NpyFuzzer)
COMPILER_TARGETS=(ParseFuzzer CApiFuzzer)
RUNTIME=(Json.cpp ShapeExpr.cpp Bundle.cpp Images.cpp Float16.cpp
         Compare.cpp CudaBackend.cpp Files.cpp)

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

# The compiler, instrumented, for its targets.
cmake -G Ninja -S "$ROOT" -B "$OUT/compiler" -DCMAKE_C_COMPILER=clang-22 \
  -DCMAKE_CXX_COMPILER="$CXX" -DFUSED_FUZZ=ON -DFUSED_BUILD_TESTS=OFF \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O1 -DNDEBUG" \
  >"$OUT/compiler-cmake.log" || { cat "$OUT/compiler-cmake.log"; exit 1; }
ninja -C "$OUT/compiler" "${COMPILER_TARGETS[@]}" >"$OUT/compiler-build.log" ||
  { tail -40 "$OUT/compiler-build.log"; exit 1; }
for t in "${COMPILER_TARGETS[@]}"; do
  mkdir -p "$OUT/corpus/$t"
  python3 "$ROOT/fuzz/seeds.py" "$ROOT/test" "$OUT/corpus/$t" >/dev/null
done

status=0
for t in "${TARGETS[@]}" "${COMPILER_TARGETS[@]}"; do
  extra=()
  if [ -e "$OUT/compiler/bin/$t" ]; then
    bin="$OUT/compiler/bin/$t"
    # ASan's quarantine and the targets' MLIR contexts take more than
    # the 2 GB a target may use by default.
    extra=(-dict="$ROOT/fuzz/fused.dict" -max_len=16384 -rss_limit_mb=4096)
  else
    "$CXX" "${FLAGS[@]}" -fsanitize=fuzzer "$ROOT/fuzz/$t.cpp" "${objs[@]}" \
      -ldl -o "$OUT/$t"
    bin="$OUT/$t"
    extra=(-max_len=65536)
    mkdir -p "$OUT/corpus/$t"
    cp -n "$ROOT/fuzz/corpus/$t/"* "$OUT/corpus/$t/" 2>/dev/null || true
  fi
  corpus="$OUT/corpus/$t" crashes="$OUT/crashes/$t"
  mkdir -p "$crashes"
  log="$OUT/$t.log"
  # LLVM's process-wide registries live as long as the process (the
  # sanitizer run's suppressions); LLVM's headers poison and unpoison
  # allocator memory in inline code that the uninstrumented libLLVM does
  # not match (allow_user_poisoning=0, as ./fused.sh sanitize).
  if (cd "$crashes" && ASAN_OPTIONS=detect_leaks=1:allow_user_poisoning=0 \
      LSAN_OPTIONS="suppressions=$ROOT/test/lsan-suppressions.txt:print_suppressions=0" \
      UBSAN_OPTIONS=print_stacktrace=1 "$bin" -max_total_time="$SECONDS_EACH" \
      -print_final_stats=1 -timeout=20 "${extra[@]}" \
      -seed="${FUSED_FUZZ_SEED:-1}" "$corpus") >"$log" 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
    echo "fuzz $t: $runs executions in ${SECONDS_EACH} s, no crash"
  else
    status=1
    echo "fuzz $t: FAILED (inputs in $crashes)"
    grep -m1 -A25 'ERROR\|runtime error\|deadly signal\|ParseFuzzer:\|CApiFuzzer:' "$log" || tail -30 "$log"
  fi
done
exit $status
