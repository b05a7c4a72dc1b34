// limits.mlir's @regs_per_block alone, for --run (which runs every function).
func.func @regs_per_block(%a: tensor<512x64xf16>, %b: tensor<64x256xf16>) -> tensor<512x256xf32> {
  %c = fused.matmul %a, %b {fused.config = #fused.gemm_config<block = [512, 256, 16], warps = [4, 8], stages = 2>} : tensor<512x64xf16>, tensor<64x256xf16> -> tensor<512x256xf32>
  return %c : tensor<512x256xf32>
}
