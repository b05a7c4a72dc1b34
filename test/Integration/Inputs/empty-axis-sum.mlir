// A sum over an empty axis into a non-empty result (for empty-shapes.mlir).
func.func @sum_of_nothing(%a: tensor<0x64xf32>) -> tensor<64xf32> {
  %c = fused.reduce_sum %a axis = 0 : tensor<0x64xf32> -> tensor<64xf32>
  return %c : tensor<64xf32>
}
