// RUN: not fused-compile --emit=ptx --chip=sm_70 %s 2>&1 | FileCheck %s --check-prefix=CHIP
// RUN: not fused-compile --emit=mlir --after=lower %s 2>&1 | FileCheck %s --check-prefix=STAGE
// RUN: not fused-compile --emit=cubin --ptxas=%t.no-ptxas %s 2>&1 | FileCheck %s --check-prefix=NOPTXAS
// RUN: not fused-compile --emit=ptx --print-stats --ptxas=%t.no-ptxas %s 2>&1 | FileCheck %s --check-prefix=STATS
// RUN: not fused-compile --print-stats %s 2>&1 | FileCheck %s --check-prefix=STATSALONE
// RUN: not fused-compile --emit=ptx --entry=attention %t.none 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: rm -rf %t.bundle && echo 'func.func @mm_fp8(%%a: tensor<4x8xf8E4M3FN>, %%b: tensor<8x4xf8E4M3FN>) -> tensor<4x4xf32> { %%c = fused.matmul %%a, %%b : tensor<4x8xf8E4M3FN>, tensor<8x4xf8E4M3FN> -> tensor<4x4xf32> return %%c : tensor<4x4xf32> }' | not fused-compile --emit=bundle -o %t.bundle 2>&1 | FileCheck %s --check-prefix=BUNDLE
// RUN: not test -e %t.bundle
// RUN: not fused-compile --emit=wasm %s 2>&1 | FileCheck %s --check-prefix=KIND
// RUN: not fused-opt --fused-gpu-pipeline=stop-after=lower %s 2>&1 | FileCheck %s --check-prefix=OPTSTAGE
// RUN: not fused-opt --fused-gpu-pipeline=chip=sm_70 %s 2>&1 | FileCheck %s --check-prefix=OPTCHIP
// RUN: echo 'func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> { return %x : tensor<4xf32> }' | not fused-compile --emit=ptx 2>&1 | FileCheck %s --check-prefix=NOTHING

// CHIP: fused-compile: unknown chip 'sm_70' (expected auto, sm_80, sm_86, sm_89, sm_90 or sm_90a)
// STAGE: fused-compile: unknown stage 'lower' (expected fuse, tile, promote, mma, nvvm, binary)
// NOPTXAS: fused-compile: --emit=cubin needs ptxas from a CUDA toolkit: '{{.*}}no-ptxas' is not executable (--emit=ptx needs none)
// STATS: fused-compile: --print-stats needs ptxas from a CUDA toolkit: '{{.*}}no-ptxas' is not executable
// STATSALONE: fused-compile: --print-stats goes with --emit
// MISSING: fused-compile: cannot open input file '{{.*}}none'
// BUNDLE: error: 'fused.kernel' op tensor-core code generation supports f16, bf16 and f32 matmul operands, got 'f8E4M3FN'
// KIND: Cannot find option named 'wasm'
// OPTSTAGE: error: fused-gpu-pipeline: unknown stage 'lower' (expected fuse, tile, promote, mma, nvvm, binary)
// OPTCHIP: error: fused-gpu-pipeline: unknown chip 'sm_70' (expected sm_80, sm_86, sm_89, sm_90 or sm_90a)
// NOTHING: error: nothing to compile: the input has no kernel that code generation supports yet (gemm, attention, elementwise, softmax, reduction, normalization, transpose and rope kernels)

func.func @gemm(%a: tensor<32x32xf16>, %b: tensor<32x32xf16>) -> tensor<32x32xf32> {
  %c = fused.matmul %a, %b : tensor<32x32xf16>, tensor<32x32xf16> -> tensor<32x32xf32>
  return %c : tensor<32x32xf32>
}

func.func @transpose(%x: tensor<4x8xf32>) -> tensor<8x4xf32> {
  %y = fused.transpose %x permutation = [1, 0] : tensor<4x8xf32> -> tensor<8x4xf32>
  return %y : tensor<8x4xf32>
}

