// Kernels whose PTX the backend reshapes (the PTX cross-check's input,
// ptx-cross-check.test; numerics in the random-program regressions style):

// A column softmax over 25 rows: the backend unrolls its loops, and copies
// in an unrolled loop's remainder lose their lines.
func.func @softmax_axis0_25(%x: tensor<25x1x4xbf16>) -> tensor<25x1x4xbf16> {
  %y = fused.softmax %x axis = -3 : tensor<25x1x4xbf16>
  return %y : tensor<25x1x4xbf16>
}

// A GEMM whose A rows (85 bf16) are not 16-byte aligned: element loads,
// each 16-byte chunk stored to shared memory by one store (the backend
// merged the element stores before they were one).
func.func @gemm_unaligned_a(%a: tensor<85x150xbf16>, %b: tensor<85x16xbf16>, %e1: tensor<150x16xbf16>) -> tensor<150x16xbf16> {
  %v0 = fused.matmul %a, %b {transpose_a} : tensor<85x150xbf16>, tensor<85x16xbf16> -> tensor<150x16xbf16>
  %v1 = fused.add %v0, %e1 : tensor<150x16xbf16>, tensor<150x16xbf16> -> tensor<150x16xbf16>
  return %v1 : tensor<150x16xbf16>
}
