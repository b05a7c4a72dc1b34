/// Tile widths whose rows are not a power-of-two number of 16-byte chunks
/// (block_k = block_n = 48): the swizzle must keep every access inside its
/// row. Host path against the reference, and ptxas on the GPU code.
// RUN: fused-compile --check-host --seed=0 %s | FileCheck %s --check-prefix=HOST
// RUN: %if ptxas %{ fused-compile --emit=ptx --print-stats %s -o %t.ptx | FileCheck %s --check-prefix=STATS %}
// HOST: @odd_tiles result 0: relative error {{.*}} PASS
// STATS: odd_tiles_gemm {{[0-9]+}} 0 0 0
func.func @odd_tiles(%a: tensor<100x96xf16>, %b: tensor<96x100xf16>, %bias: tensor<100xf16>) -> tensor<100x100xf16> {
  %c = fused.matmul %a, %b {fused.config = #fused.gemm_config<block = [64, 48, 48], warps = [2, 1], stages = 3>} : tensor<100x96xf16>, tensor<96x100xf16> -> tensor<100x100xf16>
  %d = fused.add %c, %bias : tensor<100x100xf16>, tensor<100xf16> -> tensor<100x100xf16>
  %e = fused.silu %d : tensor<100x100xf16>
  return %e : tensor<100x100xf16>
}
