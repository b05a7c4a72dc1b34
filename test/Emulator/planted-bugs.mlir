/// Kernels miscompiled on purpose (fused-compile --plant-bug): the emulator
/// must report each bug, naming the kernel, block, thread and source line.
// RUN: not fused-compile --run --device=emulator --check --plant-bug=missing-barrier %s 2>&1 | FileCheck %s --check-prefix=BARRIER
// RUN: not fused-compile --run --device=emulator --check --plant-bug=oob-store %s 2>&1 | FileCheck %s --check-prefix=OOB
// RUN: not fused-compile --run --device=emulator --check --plant-bug=ldmatrix-trans %s 2>&1 | FileCheck %s --check-prefix=TRANS
// RUN: not fused-compile --run --device=emulator --check --plant-bug=early-read %s 2>&1 | FileCheck %s --check-prefix=EARLY
// RUN: not fused-compile --run --device=emulator --plant-bug=typo %s 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: not fused-compile --plant-bug=oob-store %s 2>&1 | FileCheck %s --check-prefix=ALONE

// BARRIER: fused-compile: the emulator found {{[0-9]+}} problem{{s?}} in kernel gemm_gemm:
// BARRIER: shared-memory race: bytes [{{[0-9]+}}, {{[0-9]+}}) of shared memory {{read after|written after}} thread {{[0-9]+}} {{wrote|read}} them with no barrier in between (kernel gemm_gemm, block ({{[0-9]+}},{{[0-9]+}},0), thread ({{[0-9]+}},0,0), at llvm.{{load|store}} at {{.*}}planted-bugs.mlir:[[@LINE+13]]:8)

// OOB: fused-compile: the emulator found 1 problem in kernel gemm_gemm:
// OOB-NEXT: out-of-bounds global store of 16 bytes at 0 bytes past the end of buffer #{{[0-9]+}} (32768 bytes) (kernel gemm_gemm, block (0,0,0), thread ({{[0-9]+}},0,0), at llvm.store at {{.*}}planted-bugs.mlir:[[@LINE+10]]:8)

// TRANS: @gemm result 0: relative error {{.*}} FAIL

// EARLY: read of bytes [{{[0-9]+}}, {{[0-9]+}}) of shared memory before the cp.async of thread {{[0-9]+}} that writes them completed (no cp.async.wait_group covers it) (kernel gemm_gemm, block ({{[0-9]+}},{{[0-9]+}},0), thread ({{[0-9]+}},0,0), at nvvm.ldmatrix at {{.*}}planted-bugs.mlir:[[@LINE+6]]:8)

// UNKNOWN: error: fused: unknown planted bug 'typo' (expected missing-barrier, oob-store, ldmatrix-trans or early-read)
// ALONE: fused-compile: --check, --counters, --emulator-seed, --emulator-threads, --plant-bug and --bench go with --run

func.func @gemm(%a: tensor<128x64xf16>, %b: tensor<64x64xf16>) -> tensor<128x64xf32> {
  %c = fused.matmul %a, %b : tensor<128x64xf16>, tensor<64x64xf16> -> tensor<128x64xf32>
  return %c : tensor<128x64xf32>
}
