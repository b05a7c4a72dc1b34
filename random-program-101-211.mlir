/// A program found by scripts/random_programs.py (seed of the inputs: 101000511),
/// shrunk; it failed with: mismatch
// RUN: fused-compile --run --device=emulator --check --seed=101000511 %s | FileCheck %s
// CHECK-NOT: FAIL
// CHECK: PASS

func.func @regression(%x: tensor<16x44x16xf16>) -> tensor<44x16xf16> {
  %y = fused.reduce_sum %x axis = 0 : tensor<16x44x16xf16> -> tensor<44x16xf16>
  return %y : tensor<44x16xf16>
}
