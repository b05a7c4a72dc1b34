// Kernels for the planted-bug suite (scripts/planted_bugs.sh): a GEMM of
// whole tiles, a GEMM with M, N and K tails, and a causal attention of two
// query blocks with a key tail.
func.func @gemm(%a: tensor<128x64xf16>, %b: tensor<64x64xf16>) -> tensor<128x64xf32> {
  %c = fused.matmul %a, %b : tensor<128x64xf16>, tensor<64x64xf16> -> tensor<128x64xf32>
  return %c : tensor<128x64xf32>
}
func.func @gemm_tail(%a: tensor<100x200xf16>, %b: tensor<200x72xf16>) -> tensor<100x72xf32> {
  %c = fused.matmul %a, %b : tensor<100x200xf16>, tensor<200x72xf16> -> tensor<100x72xf32>
  return %c : tensor<100x72xf32>
}
func.func @attention(%q: tensor<1x2x128x64xf16>, %k: tensor<1x2x100x64xf16>, %v: tensor<1x2x100x64xf16>) -> tensor<1x2x128x64xf16> {
  %o = fused.attention %q, %k, %v {causal} : tensor<1x2x128x64xf16>, tensor<1x2x100x64xf16>, tensor<1x2x100x64xf16> -> tensor<1x2x128x64xf16>
  return %o : tensor<1x2x128x64xf16>
}
