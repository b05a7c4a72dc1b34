/// Registers per block (65536) cannot be exceeded at launch: every kernel
/// declares its block size to ptxas (.maxntid from gpu.func's
/// known_block_size), which then keeps each thread within 65536 / threads
/// registers, spilling if it must. A 1024-thread GEMM gets at most 64
/// registers per thread (its 256-thread configurations use about 128).
// REQUIRES: ptxas
// RUN: fused-compile --emit=ptx %s -o - | FileCheck %s --check-prefix=PTX
// RUN: fused-compile --emit=ptx --print-stats %s -o /dev/null | FileCheck %s --check-prefix=STATS
// RUN: fused-compile --emit=ptx --chip=sm_90 --print-stats %s -o /dev/null | FileCheck %s --check-prefix=STATS

// PTX: .visible .entry wide_gemm(
// PTX: .maxntid 1024, 1, 1
// STATS: wide_gemm {{([1-5]?[0-9]|6[0-4])}} {{.*}} 1024x1x1
func.func @wide(%a: tensor<256x256xf16>, %b: tensor<256x256xf16>) -> tensor<256x256xf32> {
  %c = fused.matmul %a, %b {fused.config = #fused.gemm_config<block = [128, 256, 32], warps = [4, 8], stages = 2>} : tensor<256x256xf16>, tensor<256x256xf16> -> tensor<256x256xf32>
  return %c : tensor<256x256xf32>
}
