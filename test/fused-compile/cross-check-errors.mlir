/// Errors of --cross-check-ptx and fused-check-limits.
// RUN: not fused-compile --cross-check-ptx --chip=sm_70 %s 2>&1 | FileCheck %s --check-prefix=CHIP
// RUN: not fused-compile --cross-check-ptx %s 2>&1 | FileCheck %s --check-prefix=NOTHING
// RUN: not fused-compile --cross-check-ptx --emit=ptx %s 2>&1 | FileCheck %s --check-prefix=EXCLUSIVE
// RUN: not fused-opt --fused-check-limits="chip=sm_70" %s 2>&1 | FileCheck %s --check-prefix=PASSCHIP

// CHIP: fused-compile: unknown chip 'sm_70' (expected auto, sm_80, sm_86, sm_89, sm_90 or sm_90a)
// NOTHING: error: nothing to check: the input has no kernel that code generation supports yet (gemm, attention, elementwise, softmax, reduction, normalization, transpose and rope kernels)
// EXCLUSIVE: fused-compile: --emit, --run, --reference, --check-host and --cross-check-ptx are exclusive
// PASSCHIP: error: fused-check-limits: unknown chip 'sm_70'

func.func @nothing(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  return %x : tensor<4x8xf32>
}
