/// A program found by scripts/random_programs.py (seed of the inputs: 101000535),
/// shrunk; it failed with: mismatch
// RUN: fused-compile --run --device=emulator --check --seed=101000535 %s | FileCheck %s
// CHECK-NOT: FAIL
// CHECK: PASS

func.func @regression(%x: tensor<64x24x22xbf16>) -> tensor<24x22xbf16> {
  %y = fused.reduce_sum %x axis = 0 : tensor<64x24x22xbf16> -> tensor<24x22xbf16>
  return %y : tensor<24x22xbf16>
}
