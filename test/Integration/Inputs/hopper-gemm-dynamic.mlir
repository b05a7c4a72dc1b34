// The dynamic-M GEMM of hopper-gemm.mlir.
func.func @dynamic_m(%a: tensor<?x64xf16>, %b: tensor<64x256xf16>) -> tensor<?x256xf16> {
  %c = fused.matmul %a, %b : tensor<?x64xf16>, tensor<64x256xf16> -> tensor<?x256xf16>
  return %c : tensor<?x256xf16>
}

