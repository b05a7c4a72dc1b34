// A GEMM bundled by errors.test.
func.func @mm(%a: tensor<64x32xf16>, %b: tensor<32x64xf16>) -> tensor<64x64xf32> {
  %c = fused.matmul %a, %b : tensor<64x32xf16>, tensor<32x64xf16> -> tensor<64x64xf32>
  return %c : tensor<64x64xf32>
}
