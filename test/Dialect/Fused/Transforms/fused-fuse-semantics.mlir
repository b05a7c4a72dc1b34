/// Fusion must not change what a function computes: the float64 reference
/// gives bit-identical results before and after fused-fuse (same seed).
// RUN: fused-compile --reference --seed=5 --print-values=100000 %s > %t.before
// RUN: fused-opt -fused-fuse %s | fused-compile --reference --seed=5 --print-values=100000 > %t.after
// RUN: diff %t.before %t.after
// RUN: fused-opt -fused-fuse %s | FileCheck %s
// CHECK-COUNT-4: fused.kernel

func.func @block(%x: tensor<16x32xf16>, %w: tensor<32x32xf16>, %b: tensor<32xf32>,
                 %g: tensor<32xf32>) -> tensor<16x32xf32> {
  %n = fused.cast %x : tensor<16x32xf16> to tensor<16x32xf32>
  %h = fused.rmsnorm %n weight(%g : tensor<32xf32>) : tensor<16x32xf32>
  %hc = fused.cast %h : tensor<16x32xf32> to tensor<16x32xf16>
  %m = fused.matmul %hc, %w : tensor<16x32xf16>, tensor<32x32xf16> -> tensor<16x32xf32>
  %s = fused.add %m, %b : tensor<16x32xf32>, tensor<32xf32> -> tensor<16x32xf32>
  %a = fused.silu %s : tensor<16x32xf32>
  %r = fused.add %a, %n : tensor<16x32xf32>, tensor<16x32xf32> -> tensor<16x32xf32>
  return %r : tensor<16x32xf32>
}
