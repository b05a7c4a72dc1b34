// The built-in example: one attention and one GEMM with a fused epilogue.
//
//   fused-compile --reference examples/model.mlir
//
// evaluates both functions in float64 on random inputs.

/// Grouped-query causal attention: 8 query heads share 2 key/value heads;
/// Sq != Skv, so the causal mask is aligned bottom-right.
func.func @attention(%q: tensor<1x8x100x64xf16>, %k: tensor<1x2x160x64xf16>,
                     %v: tensor<1x2x160x64xf16>)
    -> (tensor<1x8x100x64xf16>, tensor<1x8x100xf32>) {
  %o, %lse = fused.attention %q, %k, %v {causal}
      : tensor<1x8x100x64xf16>, tensor<1x2x160x64xf16>, tensor<1x2x160x64xf16>
      -> tensor<1x8x100x64xf16>, tensor<1x8x100xf32>
  return %o, %lse : tensor<1x8x100x64xf16>, tensor<1x8x100xf32>
}

/// GEMM with a bias + GELU epilogue and an f16 output.
func.func @gemm_bias_gelu(%a: tensor<77x200xf16>, %b: tensor<200x129xf16>,
                          %bias: tensor<129xf32>) -> tensor<77x129xf16> {
  %c = fused.matmul %a, %b
      : tensor<77x200xf16>, tensor<200x129xf16> -> tensor<77x129xf32>
  %d = fused.add %c, %bias
      : tensor<77x129xf32>, tensor<129xf32> -> tensor<77x129xf32>
  %e = fused.gelu tanh %d : tensor<77x129xf32>
  %f = fused.cast %e : tensor<77x129xf32> to tensor<77x129xf16>
  return %f : tensor<77x129xf16>
}
