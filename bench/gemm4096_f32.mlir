// The GEMM benchmark shape with f32 operands and output: 4096 x 4096 x
// 4096, on bf16 tensor cores with each element split into three bf16 parts.
func.func @gemm4096_f32(%a: tensor<4096x4096xf32>, %b: tensor<4096x4096xf32>) -> tensor<4096x4096xf32> {
  %c = fused.matmul %a, %b : tensor<4096x4096xf32>, tensor<4096x4096xf32> -> tensor<4096x4096xf32>
  return %c : tensor<4096x4096xf32>
}
