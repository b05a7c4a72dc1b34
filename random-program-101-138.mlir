/// A program found by scripts/random_programs.py (seed of the inputs: 101000439),
/// shrunk; it failed with: mismatch
// RUN: fused-compile --run --device=emulator --check --seed=101000439 %s | FileCheck %s
// CHECK-NOT: FAIL
// CHECK: PASS

func.func @regression(%x: tensor<16x9x40xf32>) -> tensor<1x9x40xf32> {
  %y = fused.reduce_max %x axis = 0 keepdim : tensor<16x9x40xf32> -> tensor<1x9x40xf32>
  return %y : tensor<1x9x40xf32>
}
