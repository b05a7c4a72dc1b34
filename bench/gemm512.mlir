// The 512x512x512 f16 GEMM whose emulator counters and timing are in
// bench/RESULTS.md (bench/emulator.sh).
func.func @gemm512(%a: tensor<512x512xf16>, %b: tensor<512x512xf16>) -> tensor<512x512xf32> {
  %c = fused.matmul %a, %b : tensor<512x512xf16>, tensor<512x512xf16> -> tensor<512x512xf32>
  return %c : tensor<512x512xf32>
}
