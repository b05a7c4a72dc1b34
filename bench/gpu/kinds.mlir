// One small case of each memory-bound kernel kind, for bench/gpu/run.sh: a
// check bundle (bench/gpu/prepare.sh compiles it with reference data) whose
// functions run once against the float64 reference and once under each
// compute-sanitizer tool. Sizes are small and not multiples of the tiles.
// (GEMM and attention cases come from the check matrices.)

func.func @softmax(%x: tensor<13x1000xf16>) -> tensor<13x1000xf16> {
  %y = fused.softmax %x axis = -1 : tensor<13x1000xf16>
  return %y : tensor<13x1000xf16>
}

func.func @softmax_streamed(%x: tensor<1x50257xbf16>) -> tensor<1x50257xbf16> {
  %y = fused.softmax %x axis = -1 : tensor<1x50257xbf16>
  return %y : tensor<1x50257xbf16>
}

func.func @layernorm(%x: tensor<13x768xf16>, %g: tensor<768xf16>, %b: tensor<768xf16>) -> tensor<13x768xf16> {
  %y = fused.layernorm %x weight(%g : tensor<768xf16>) bias(%b : tensor<768xf16>) : tensor<13x768xf16>
  return %y : tensor<13x768xf16>
}

func.func @rmsnorm(%x: tensor<5x4096xbf16>, %g: tensor<4096xbf16>) -> tensor<5x4096xbf16> {
  %y = fused.rmsnorm %x weight(%g : tensor<4096xbf16>) : tensor<5x4096xbf16>
  return %y : tensor<5x4096xbf16>
}

func.func @swiglu(%a: tensor<13x1000xbf16>, %b: tensor<13x1000xbf16>) -> tensor<13x1000xbf16> {
  %s = fused.silu %a : tensor<13x1000xbf16>
  %y = fused.mul %s, %b : tensor<13x1000xbf16>, tensor<13x1000xbf16> -> tensor<13x1000xbf16>
  return %y : tensor<13x1000xbf16>
}

func.func @reduce_columns(%x: tensor<301x72xf32>) -> tensor<72xf32> {
  %y = fused.reduce_sum %x axis = 0 : tensor<301x72xf32> -> tensor<72xf32>
  return %y : tensor<72xf32>
}

func.func @reduce_rows(%x: tensor<13x1000xf16>) -> tensor<13xf16> {
  %y = fused.reduce_max %x axis = 1 : tensor<13x1000xf16> -> tensor<13xf16>
  return %y : tensor<13xf16>
}

func.func @transpose(%x: tensor<100x72xf16>) -> tensor<72x100xf16> {
  %y = fused.transpose %x permutation = [1, 0] : tensor<100x72xf16> -> tensor<72x100xf16>
  return %y : tensor<72x100xf16>
}

func.func @rope(%q: tensor<1x4x37x128xbf16>, %c: tensor<37x64xf32>, %s: tensor<37x64xf32>) -> tensor<1x4x37x128xbf16> {
  %y = fused.rope %q, %c, %s : tensor<1x4x37x128xbf16>, tensor<37x64xf32>, tensor<37x64xf32>
  return %y : tensor<1x4x37x128xbf16>
}
