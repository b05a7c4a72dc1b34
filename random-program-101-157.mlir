/// A program found by scripts/random_programs.py (seed of the inputs: 101000455),
/// shrunk; it failed with: mismatch
// RUN: fused-compile --run --device=emulator --check --seed=101000455 %s | FileCheck %s
// CHECK-NOT: FAIL
// CHECK: PASS

func.func @regression(%x: tensor<31x16x30xf16>) -> tensor<16x30xf16> {
  %y = fused.reduce_sum %x axis = 0 : tensor<31x16x30xf16> -> tensor<16x30xf16>
  return %y : tensor<16x30xf16>
}
