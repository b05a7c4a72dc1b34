/// A program found by scripts/random_programs.py (seed of the inputs: 101000431),
/// shrunk; it failed with: mismatch
// RUN: fused-compile --run --device=emulator --check --seed=101000431 %s | FileCheck %s
// CHECK-NOT: FAIL
// CHECK: PASS

func.func @regression(%x: tensor<30x36x8xf16>) -> tensor<36x8xf16> {
  %y = fused.reduce_sum %x axis = 0 : tensor<30x36x8xf16> -> tensor<36x8xf16>
  return %y : tensor<36x8xf16>
}
