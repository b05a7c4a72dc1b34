// Causal GQA attention with LSE, f32, Sq and Skv dynamic (for
// attention-f32.mlir).
func.func @dynamic(%q: tensor<1x4x?x64xf32>, %k: tensor<1x2x?x64xf32>, %v: tensor<1x2x?x64xf32>) -> (tensor<1x4x?x64xf32>, tensor<1x4x?xf32>) {
  %o, %lse = fused.attention %q, %k, %v {causal} : tensor<1x4x?x64xf32>, tensor<1x2x?x64xf32>, tensor<1x2x?x64xf32> -> tensor<1x4x?x64xf32>, tensor<1x4x?xf32>
  return %o, %lse : tensor<1x4x?x64xf32>, tensor<1x4x?xf32>
}
