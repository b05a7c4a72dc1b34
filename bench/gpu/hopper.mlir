// The Hopper GEMM (sm_90a: TMA, mbarriers, wgmma) for bench/gpu/run.sh: a
// check bundle (bench/gpu/prepare.sh compiles it for sm_90a with reference
// data) run against the float64 reference and under compute-sanitizer.
// The functions of test/Integration/hopper-gemm.mlir that take the Hopper
// kernel, and a larger one that fills several blocks and K steps.

func.func @square(%a: tensor<128x64xf16>, %b: tensor<64x128xf16>) -> tensor<128x128xf32> {
  %c = fused.matmul %a, %b : tensor<128x64xf16>, tensor<64x128xf16> -> tensor<128x128xf32>
  return %c : tensor<128x128xf32>
}

func.func @long_k(%a: tensor<128x576xbf16>, %b: tensor<576x128xbf16>) -> tensor<128x128xf32> {
  %c = fused.matmul %a, %b : tensor<128x576xbf16>, tensor<576x128xbf16> -> tensor<128x128xf32>
  return %c : tensor<128x128xf32>
}

func.func @tails_bias_gelu(%a: tensor<200x72xbf16>, %b: tensor<72x136xbf16>, %bias: tensor<136xbf16>) -> tensor<200x136xbf16> {
  %c = fused.matmul %a, %b : tensor<200x72xbf16>, tensor<72x136xbf16> -> tensor<200x136xbf16>
  %d = fused.add %c, %bias : tensor<200x136xbf16>, tensor<136xbf16> -> tensor<200x136xbf16>
  %e = fused.gelu tanh %d : tensor<200x136xbf16>
  return %e : tensor<200x136xbf16>
}

func.func @transposed_batch(%a: tensor<3x96x80xf16>, %b: tensor<3x120x96xf16>) -> tensor<3x80x120xf16> {
  %c = fused.matmul %a, %b {transpose_a, transpose_b} : tensor<3x96x80xf16>, tensor<3x120x96xf16> -> tensor<3x80x120xf16>
  return %c : tensor<3x80x120xf16>
}

func.func @broadcast_residual(%a: tensor<2x40x64xf16>, %b: tensor<64x48xf16>, %r: tensor<2x40x48xf32>) -> tensor<2x40x48xf32> {
  %c = fused.matmul %a, %b : tensor<2x40x64xf16>, tensor<64x48xf16> -> tensor<2x40x48xf32>
  %d = fused.add %c, %r : tensor<2x40x48xf32>, tensor<2x40x48xf32> -> tensor<2x40x48xf32>
  return %d : tensor<2x40x48xf32>
}

func.func @large_bias_gelu(%a: tensor<512x320xf16>, %b: tensor<320x384xf16>, %bias: tensor<384xf32>) -> tensor<512x384xf16> {
  %c = fused.matmul %a, %b : tensor<512x320xf16>, tensor<320x384xf16> -> tensor<512x384xf32>
  %d = fused.add %c, %bias : tensor<512x384xf32>, tensor<384xf32> -> tensor<512x384xf32>
  %e = fused.gelu tanh %d : tensor<512x384xf32>
  %f = fused.cast %e : tensor<512x384xf32> to tensor<512x384xf16>
  return %f : tensor<512x384xf16>
}
