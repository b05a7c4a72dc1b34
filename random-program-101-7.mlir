/// A program found by scripts/random_programs.py (seed of the inputs: 101000303),
/// shrunk; it failed with: mismatch
// RUN: fused-compile --run --device=emulator --check --seed=101000303 %s | FileCheck %s
// CHECK-NOT: FAIL
// CHECK: PASS

func.func @regression(%x: tensor<18x8x64xbf16>) -> tensor<1x8x64xbf16> {
  %y = fused.reduce_max %x axis = 0 keepdim : tensor<18x8x64xbf16> -> tensor<1x8x64xbf16>
  return %y : tensor<1x8x64xbf16>
}
