/// A program found by scripts/random_programs.py (seed of the inputs: 101000503),
/// shrunk; it failed with: mismatch
// RUN: fused-compile --run --device=emulator --check --seed=101000503 %s | FileCheck %s
// CHECK-NOT: FAIL
// CHECK: PASS

func.func @regression(%x: tensor<16x8x40xf16>) -> tensor<1x8x40xf16> {
  %y = fused.reduce_sum %x axis = 0 keepdim : tensor<16x8x40xf16> -> tensor<1x8x40xf16>
  return %y : tensor<1x8x40xf16>
}
