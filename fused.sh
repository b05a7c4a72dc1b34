#!/usr/bin/env bash
# fused.sh — build, test and run fused on a Debian bookworm machine.
#
#   ./fused.sh example   install what is missing, build, run the built-in example
#   ./fused.sh test      install what is missing, build, run the lit suite and ctest
#   ./fused.sh build     install what is missing, build
#   ./fused.sh sanitize  the whole test suite built with ASan, LSan and UBSan
#                        (in ./build-asan, or FUSED_SANITIZE_BUILD_DIR); fails
#                        on any sanitizer report
#   ./fused.sh sanitize-ci  the same build, with the fixed subset of the lit
#                        suite that CI runs (ctest and pytest whole)
#   ./fused.sh fuzz [SECONDS]  the libFuzzer targets of fuzz/, runtime and compiler (clang-22, ASan,
#                        UBSan; in ./build-fuzz), SECONDS each (default 60)
#   ./fused.sh tsan      the tests that use fused from several threads at once
#                        (C++ API, kernel cache, the emulator's host threads)
#                        built with ThreadSanitizer (in ./build-tsan)
#   ./fused.sh random-programs [COUNT] [SEED]  build, then compile and run
#                        COUNT (default 10000) random programs on the emulator
#                        against the float64 reference (scripts/random_programs.py;
#                        failing ones are shrunk into ./random-program-*.mlir)
#
# Packages come from Debian (apt-get; run as root or with sudo available).
# The build goes to ./build (override with FUSED_BUILD_DIR).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BUILD="${FUSED_BUILD_DIR:-$ROOT/build}"
LLVM_BIN=/usr/lib/llvm-22/bin
PACKAGES=(cmake ninja-build ccache g++ llvm-22-dev llvm-22-tools
          libmlir-22-dev mlir-22-tools libgtest-dev
          python3-dev pybind11-dev python3-numpy python3-pytest python3-torch)

log() { printf '\n== %s\n' "$*"; }

install_deps() {
  local missing=() p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "fused.sh: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
    sudo=(sudo)
  fi
  "${sudo[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
}

build() {
  log "configuring and building in $BUILD"
  local start=$SECONDS
  cmake -G Ninja -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release \
    -DLLVM_EXTERNAL_LIT="$LLVM_BIN/lit" "$@" >/dev/null
  ninja -C "$BUILD"
  echo "build finished in $((SECONDS - start)) s"
}

run_example() {
  local model="$ROOT/examples/model.mlir"
  log "reference evaluation of examples/model.mlir (float64)"
  "$BUILD/bin/fused-compile" --reference "$model"
  log "attention and GEMM kernels compiled to PTX ($BUILD/example.ptx)"
  if "$BUILD/bin/fused-compile" --emit=ptx --print-stats \
       "$model" -o "$BUILD/example.ptx" 2>/dev/null; then :; else
    "$BUILD/bin/fused-compile" --emit=ptx "$model" -o "$BUILD/example.ptx"
    echo "(no ptxas found: resource usage not shown)"
  fi
  grep -c "mma.sync" "$BUILD/example.ptx" | sed 's/^/mma.sync instructions in the PTX: /'
  log "attention and GEMM kernels run on the best device (a GPU, else the emulator) against the reference"
  "$BUILD/bin/fused-compile" --run --check "$model"
  log "a GPT-2 transformer block (examples/gpt2_block.mlir): 9 kernels for any token count, run at 96 tokens on the best device against the reference"
  "$BUILD/bin/fused-compile" --run --check --sizes=96 "$ROOT/examples/gpt2_block.mlir"
}

# The runtime-only build (no LLVM or MLIR) in its own directory: it must
# build, link nothing of LLVM or MLIR, and refuse plainly to run without a
# GPU. Prints "runtime-only: N passed, M failed".
runtime_only_check() {
  local dir="$BUILD/runtime-only" pass=0 fail=0 out
  log "runtime-only build (-DFUSED_RUNTIME_ONLY=ON) in $dir"
  if cmake -G Ninja -S "$ROOT" -B "$dir" -DFUSED_RUNTIME_ONLY=ON \
       -DCMAKE_BUILD_TYPE=Release >/dev/null && ninja -C "$dir"; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1)); echo "FAIL: the runtime-only build"
  fi
  for f in "$dir/bin/fused-run" "$dir/lib/libfused_runtime.so"; do
    if [ -e "$f" ] && ! ldd "$f" | grep -qiE 'libLLVM|libMLIR'; then
      pass=$((pass + 1))
    else
      fail=$((fail + 1)); echo "FAIL: $f is missing or links LLVM/MLIR"
    fi
  done
  if [ -x "$dir/bin/fused-run" ]; then
    # A bundle from the full build: the runtime-only fused-run checks it on
    # a GPU, or says plainly that it needs one.
    rm -rf "$dir/model.bundle"
    "$BUILD/bin/fused-compile" --emit=bundle --with-reference \
      "$ROOT/examples/model.mlir" -o "$dir/model.bundle" 2>/dev/null
    out="$("$dir/bin/fused-run" "$dir/model.bundle" --device=emulator 2>&1 || true)"
    if echo "$out" | grep -q "needs the full build"; then
      pass=$((pass + 1))
    else
      fail=$((fail + 1)); echo "FAIL: fused-run (runtime-only) --device=emulator said: $out"
    fi
    if out="$("$dir/bin/fused-run" "$dir/model.bundle" --check 2>&1)"; then
      pass=$((pass + 1)); echo "$out"
    elif echo "$out" | grep -q "this runtime-only build has no emulator"; then
      pass=$((pass + 1)); echo "runtime-only fused-run without a GPU: $out"
    else
      fail=$((fail + 1)); echo "FAIL: fused-run (runtime-only) --check said: $out"
    fi
  fi
  echo "runtime-only: $pass passed, $fail failed"
  RT_PASS=$pass RT_FAIL=$fail
}

run_tests() {
  local status=0 lit_out ctest_out py_out lit_pass lit_fail ct_pass ct_fail py_pass py_fail
  log "lit suite"
  lit_out="$(mktemp)"
  local lit_paths=("$BUILD/test") p
  if [ -n "${LIT_SUBSET:-}" ]; then
    lit_paths=(); for p in $LIT_SUBSET; do lit_paths+=("$BUILD/test/$p"); done
  fi
  "$LLVM_BIN/lit" -sv "${lit_paths[@]}" 2>&1 | tee "$lit_out" || status=1
  lit_pass=$(sed -n 's/^ *Passed *: *\([0-9]*\).*/\1/p' "$lit_out" | tail -1)
  lit_fail=$(sed -n 's/^ *\(Failed\|Unresolved\|Timed Out\) *: *\([0-9]*\).*/\2/p' "$lit_out" \
             | awk '{s+=$1} END {print s+0}')
  log "unit tests (ctest)"
  ctest_out="$(mktemp)"
  (cd "$BUILD" && ctest --output-on-failure) 2>&1 | tee "$ctest_out" || status=1
  ct_pass=$(sed -n 's/^[0-9]*% tests passed, \([0-9]*\) tests failed out of \([0-9]*\)$/\2 \1/p' \
            "$ctest_out" | awk '{print $1 - $2}')
  ct_fail=$(sed -n 's/^[0-9]*% tests passed, \([0-9]*\) tests failed out of.*/\1/p' "$ctest_out")
  log "Python tests (pytest)"
  py_out="$(mktemp)"
  env "${PY_ENV[@]}" FUSED_BUILD_DIR="$BUILD" /usr/bin/python3 -m pytest -q \
    -p no:cacheprovider "$ROOT/python/tests" 2>&1 | tee "$py_out" || status=1
  py_pass=$(tail -1 "$py_out" | { grep -o '[0-9]* passed' || true; } | awk '{print $1}')
  py_fail=$(tail -1 "$py_out" | { grep -o '[0-9]* \(failed\|errors\?\)' || true; } \
            | awk '{s+=$1} END {print s+0}')
  rm -f "$lit_out" "$ctest_out" "$py_out"
  RT_PASS=0 RT_FAIL=0
  if [ -z "${SKIP_RUNTIME_ONLY:-}" ]; then runtime_only_check; fi
  [ "$RT_FAIL" -eq 0 ] || status=1
  local pass=$(( ${lit_pass:-0} + ${ct_pass:-0} + ${py_pass:-0} + RT_PASS ))
  local fail=$(( ${lit_fail:-0} + ${ct_fail:-0} + ${py_fail:-0} + RT_FAIL ))
  log "summary: lit ${lit_pass:-0} passed, ${lit_fail:-0} failed; ctest ${ct_pass:-0} passed, ${ct_fail:-0} failed; pytest ${py_pass:-0} passed, ${py_fail:-0} failed; runtime-only ${RT_PASS} passed, ${RT_FAIL} failed"
  if [ -z "${lit_pass:-}" ] || [ -z "${ct_pass:-}" ] || [ -z "${py_pass:-}" ]; then status=1; fi
  echo "fused: $pass passed, $fail failed"
  return $status
}

# The test suite on a build with ASan (LeakSanitizer included) and UBSan.
# Counts the report files in DIR and prints the first FILES of them (LINES
# lines each); fails when there are any: no_reports WHAT DIR FILES LINES.
no_reports() {
  local n
  n=$(find "$2" -type f | wc -l)
  log "$1: $n (in $2)"
  [ "$n" -eq 0 ] && return 0
  find "$2" -type f | head -"$3" | while read -r f; do
    echo "--- $f"; head -"$4" "$f"
  done
  return 1
}

# Every process writes its reports to files under $BUILD/sanitizer-reports,
# so that a report in a process expected to fail (`not fused-compile ...`)
# still counts; any report fails the run.
sanitize() {
  BUILD="${FUSED_SANITIZE_BUILD_DIR:-$ROOT/build-asan}"
  build -DFUSED_SANITIZE=ON
  local reports="$BUILD/sanitizer-reports" status=0
  rm -rf "$reports"; mkdir -p "$reports"
  # verify_asan_link_order=0: uninstrumented programs (python3, a test's
  # consumer program) load instrumented fused libraries.
  # allow_user_poisoning=0: LLVM headers poison and unpoison allocator
  # memory in inline code that the uninstrumented libLLVM does not match.
  export ASAN_OPTIONS="log_path=$reports/asan:log_exe_name=1:halt_on_error=1:detect_leaks=1:verify_asan_link_order=0:detect_stack_use_after_return=1:allow_user_poisoning=0"
  export UBSAN_OPTIONS="log_path=$reports/ubsan:log_exe_name=1:halt_on_error=1:print_stacktrace=1"
  export LSAN_OPTIONS="suppressions=$ROOT/test/lsan-suppressions.txt:print_suppressions=0"
  # Python itself is not instrumented: the ASan runtime is preloaded, and
  # the interpreter's own allocations at exit are not reported as leaks.
  # libstdc++ is preloaded too, so that ASan finds the C++ runtime it
  # intercepts (python3 does not link it).
  PY_ENV=(LD_PRELOAD="$(g++ -print-file-name=libasan.so) $(g++ -print-file-name=libstdc++.so)"
          ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0")
  SKIP_RUNTIME_ONLY=1 run_tests || status=1
  no_reports "sanitizer reports" "$reports" 5 30 || status=1
  return $status
}

# ThreadSanitizer on what runs fused from several threads at once: the C++
# API (threads compiling and running programs through one cache, threads
# writing one cache entry) and the emulator, whose blocks run on several
# host threads (its fibers are announced to ThreadSanitizer). In
# ./build-tsan (or FUSED_TSAN_BUILD_DIR); any report fails the run.
TSAN_TESTS=(FusedApiTests FusedEmulatorTests FusedHugeBufferTests
            FusedRuntimeTests FusedCudaLaunchTests)
tsan() {
  BUILD="${FUSED_TSAN_BUILD_DIR:-$ROOT/build-tsan}"
  log "configuring and building in $BUILD (ThreadSanitizer)"
  local start=$SECONDS
  cmake -G Ninja -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release \
    -DFUSED_TSAN=ON -DLLVM_EXTERNAL_LIT="$LLVM_BIN/lit" >/dev/null
  ninja -C "$BUILD" "${TSAN_TESTS[@]}" fused-compile _fused
  echo "build finished in $((SECONDS - start)) s"
  local reports="$BUILD/tsan-reports" status=0 t options
  rm -rf "$reports"; mkdir -p "$reports"
  options="halt_on_error=0:second_deadlock_stack=1:suppressions=$ROOT/test/tsan-suppressions.txt"
  for t in "${TSAN_TESTS[@]}"; do
    log "$t under ThreadSanitizer"
    TSAN_OPTIONS="log_path=$reports/$t:$options" \
      "$BUILD/bin/$t" --gtest_brief=1 || status=1
  done
  # The Python module from several threads (the interpreter is not
  # instrumented: the ThreadSanitizer runtime is preloaded).
  log "python threads under ThreadSanitizer"
  (cd "$ROOT/python" && FUSED_BUILD_DIR="$BUILD" \
     TSAN_OPTIONS="log_path=$reports/python:$options" \
     LD_PRELOAD="$(g++ -print-file-name=libtsan.so)" \
     /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/test_fused.py \
       -k threads) || status=1
  no_reports "ThreadSanitizer reports" "$reports" 3 40 || status=1
  return $status
}

# What CI runs under the sanitizers: every diagnostic and tool test, the
# emulator's own tests (planted bugs included), the installed library's
# consumer, dynamic sizes down to zero and the two blocks.
CI_SANITIZE_SUBSET="Dialect fused-compile fused-opt fused-run Emulator Install
  Integration/dynamic-rows.mlir Integration/blocks.test
  Integration/elementwise-matrix.mlir Integration/constants.mlir"

PY_ENV=()
case "${1:-}" in
  example) install_deps; build; run_example ;;
  test)    install_deps; build; run_tests ;;
  build)   install_deps; build ;;
  sanitize) install_deps; sanitize ;;
  sanitize-ci) install_deps; LIT_SUBSET="$CI_SANITIZE_SUBSET" sanitize ;;
  fuzz) install_deps; "$ROOT/fuzz/fuzz.sh" "${2:-60}" ;;
  tsan) install_deps; tsan ;;
  random-programs)
    install_deps; build
    python3 "$ROOT/scripts/random_programs.py" --tool "$BUILD/bin/fused-compile" \
      --count "${2:-10000}" --seed "${3:-$(date +%s)}" ;;
  *) echo "usage: $0 example|test|build|sanitize|sanitize-ci|tsan|fuzz|random-programs" >&2
     exit 2 ;;
esac
