/// Kernels miscompiled on purpose (fused-compile --plant-bug): the emulator
/// must report each bug, naming the kernel, block, thread and source line.
// RUN: not fused-compile --run --device=emulator --check --plant-bug=missing-barrier %s 2>&1 | FileCheck %s --check-prefix=BARRIER
// RUN: not fused-compile --run --device=emulator --check --plant-bug=oob-store %s 2>&1 | FileCheck %s --check-prefix=OOB
// RUN: not fused-compile --run --device=emulator --check --plant-bug=ldmatrix-trans %s 2>&1 | FileCheck %s --check-prefix=TRANS
// RUN: not fused-compile --run --device=emulator --check --plant-bug=early-read %s 2>&1 | FileCheck %s --check-prefix=EARLY
// RUN: not fused-compile --run --device=emulator --check --plant-bug=missing-first-barrier %s 2>&1 | FileCheck %s --check-prefix=FIRST
// RUN: not fused-compile --run --device=emulator --check --plant-bug=wait-count %s 2>&1 | FileCheck %s --check-prefix=WAIT
// RUN: not fused-compile --run --device=emulator --check --plant-bug=misaligned-cp-async %s 2>&1 | FileCheck %s --check-prefix=MISALIGNED
// RUN: not fused-compile --run --device=emulator --check --plant-bug=shared-overrun %s 2>&1 | FileCheck %s --check-prefix=SMEMOOB
// RUN: not fused-compile --run --device=emulator --check --plant-bug=dropped-store %s 2>&1 | FileCheck %s --check-prefix=DROPPED
// RUN: not fused-compile --run --device=emulator --check --plant-bug=mma-b-swap %s 2>&1 | FileCheck %s --check-prefix=SWAP
// RUN: not fused-compile --run --device=emulator --check --plant-bug=no-zero-fill %S/Inputs/planted-bugs.mlir 2>&1 | FileCheck %s --check-prefix=ZEROFILL
// RUN: not fused-compile --run --device=emulator --check --plant-bug=shfl-lane %S/Inputs/planted-bugs.mlir 2>&1 | FileCheck %s --check-prefix=SHFL
// RUN: not fused-compile --run --device=emulator --check --plant-bug=grid-short %S/Inputs/planted-bugs.mlir 2>&1 | FileCheck %s --check-prefix=GRID
// RUN: not fused-compile --run --device=emulator --check --plant-bug=block-x-zero %S/Inputs/planted-bugs.mlir 2>&1 | FileCheck %s --check-prefix=BLOCKX
// RUN: not fused-compile --run --device=emulator --plant-bug=typo %s 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: not fused-compile --plant-bug=oob-store %s 2>&1 | FileCheck %s --check-prefix=ALONE

// BARRIER: fused-compile: the emulator found {{[0-9]+}} problem{{s?}} in kernel gemm_gemm:
// BARRIER: shared-memory race: bytes [{{[0-9]+}}, {{[0-9]+}}) of shared memory {{read after|written after}} thread {{[0-9]+}} {{wrote|read}} them with no barrier in between (kernel gemm_gemm, block ({{[0-9]+}},{{[0-9]+}},0), thread ({{[0-9]+}},0,0), at llvm.{{load|store}} at {{.*}}planted-bugs.mlir:[[@LINE+27]]:8)

// OOB: fused-compile: the emulator found 1 problem in kernel gemm_gemm:
// OOB-NEXT: out-of-bounds global store of 16 bytes at 0 bytes past the end of buffer #{{[0-9]+}} (32768 bytes) (kernel gemm_gemm, block (0,0,0), thread ({{[0-9]+}},0,0), at llvm.store at {{.*}}planted-bugs.mlir:[[@LINE+24]]:8)

// TRANS: @gemm result 0: relative error {{.*}} FAIL

// EARLY: read of bytes [{{[0-9]+}}, {{[0-9]+}}) of shared memory before the cp.async of thread {{[0-9]+}} that writes them completed (no cp.async.wait_group covers it) (kernel gemm_gemm, block ({{[0-9]+}},{{[0-9]+}},0), thread ({{[0-9]+}},0,0), at nvvm.ldmatrix at {{.*}}planted-bugs.mlir:[[@LINE+20]]:8)

// FIRST: shared-memory race: {{.*}} (kernel gemm_gemm, block ({{[0-9]+}},{{[0-9]+}},0), thread ({{[0-9]+}},0,0), at nvvm.{{cp.async.shared.global|ldmatrix}} at {{.*}}planted-bugs.mlir:[[@LINE+18]]:8)
// WAIT: read of bytes [{{[0-9]+}}, {{[0-9]+}}) of shared memory before the cp.async of thread {{[0-9]+}} that writes them completed (no cp.async.wait_group covers it)
// MISALIGNED: misaligned cp.async of 16 bytes: global source 8 bytes past a multiple of 16 (cp.async needs both addresses aligned to its size) (kernel gemm_gemm, block ({{[0-9]+}},{{[0-9]+}},0), thread ({{[0-9]+}},0,0), at nvvm.cp.async.shared.global at {{.*}}planted-bugs.mlir:[[@LINE+16]]:8)
// SMEMOOB: out-of-bounds shared-memory access of 8 bytes at offset {{[0-9]+}} of a 32768-byte arena (kernel gemm_gemm, block ({{[0-9]+}},{{[0-9]+}},0), thread ({{[0-9]+}},0,0), at llvm.store at {{.*}}planted-bugs.mlir:[[@LINE+15]]:8)
// What the copy-out's last store writes (128 chunks of 4 elements) stays
// NaN-poisoned.
// DROPPED: @gemm result 0: relative error nan, 512 of 8192 elements outside {{.*}} (worst [{{[0-9]+}}, {{[0-9]+}}]: nan vs {{.*}}) {{.*}} FAIL
// SWAP: @gemm result 0: relative error {{.*}}, {{[0-9]+}} of 8192 elements outside {{.*}} FAIL
// ZEROFILL: @gemm_tail result 0: relative error {{.*}} FAIL
// SHFL: @attention result 0: relative error {{.*}} FAIL
// The second query block (rows 64 to 127 of each head) is never computed.
// GRID: @attention result 0: relative error nan, 8192 of 16384 elements outside {{.*}} (worst [0, 0, 64, 0]: nan vs {{.*}}) {{.*}} FAIL
// Both query blocks of a head write the first block's rows.
// BLOCKX: global-memory race between blocks: bytes [{{[0-9]+}}, {{[0-9]+}}) of buffer #{{[0-9]+}} written here after block ({{[01]}},{{[01]}},0) wrote them (the blocks of a launch run in no fixed order) (kernel attention_attention, block ({{[01]}},{{[01]}},0), thread ({{[0-9]+}},0,0), at llvm.store at {{.*}}planted-bugs.mlir:{{[0-9]+}}:8)
// UNKNOWN: error: fused: unknown planted bug 'typo' (expected one of missing-barrier, missing-first-barrier, oob-store, dropped-store, ldmatrix-trans, early-read, wait-count, no-zero-fill, misaligned-cp-async, shared-overrun, mma-b-swap, shfl-lane, grid-short, block-x-zero, no-proxy-fence, expect-tx-bytes, wgmma-no-wait, descriptor-swizzle, tile-misaligned, wgmma-release-early, no-warp-sync)
// ALONE: fused-compile: --check, --counters, --emulator-seed, --emulator-threads, --emulator-math-at-error-bound, --plant-bug and --bench go with --run

func.func @gemm(%a: tensor<128x64xf16>, %b: tensor<64x64xf16>) -> tensor<128x64xf32> {
  %c = fused.matmul %a, %b : tensor<128x64xf16>, tensor<64x64xf16> -> tensor<128x64xf32>
  return %c : tensor<128x64xf32>
}
