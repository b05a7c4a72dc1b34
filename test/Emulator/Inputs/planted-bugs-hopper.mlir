// The Hopper kernel of the planted-bug suite (scripts/planted_bugs.sh runs
// the bugs marked [sm_90a kernels] on it with --chip=sm_90a): a GEMM whose
// six K steps go round a ring of four stages, with tails in M and N, a
// bias epilogue and an output written by TMA stores.
func.func @gemm(%a: tensor<130x384xf16>, %b: tensor<384x136xf16>, %bias: tensor<136xf16>) -> tensor<130x136xf16> {
  %c = fused.matmul %a, %b : tensor<130x384xf16>, tensor<384x136xf16> -> tensor<130x136xf16>
  %d = fused.add %c, %bias : tensor<130x136xf16>, tensor<136xf16> -> tensor<130x136xf16>
  return %d : tensor<130x136xf16>
}
