// The GEMM benchmark shape: 4096 x 4096 x 4096, f16 operands, f32
// accumulation, f16 output.
func.func @gemm4096(%a: tensor<4096x4096xf16>, %b: tensor<4096x4096xf16>) -> tensor<4096x4096xf16> {
  %c = fused.matmul %a, %b : tensor<4096x4096xf16>, tensor<4096x4096xf16> -> tensor<4096x4096xf16>
  return %c : tensor<4096x4096xf16>
}
