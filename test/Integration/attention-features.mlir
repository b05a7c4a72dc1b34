/// Attention features on the emulator against the float64 reference:
/// additive bias, causal with Sq > Skv (rows that see no key give zeros and
/// LSE -inf), head dims 32, 96 and 256, an f32 output, decode (Sq = 1).
// RUN: fused-compile --run --device=emulator --check --seed=0 %s | FileCheck %s

// CHECK-DAG: @bias result 0: relative error {{.*}} PASS
func.func @bias(%q: tensor<1x4x70x64xf16>, %k: tensor<1x4x90x64xf16>, %v: tensor<1x4x90x64xf16>, %bias: tensor<70x90xf32>) -> (tensor<1x4x70x64xf16>) {
  %o = fused.attention %q, %k, %v bias(%bias : tensor<70x90xf32>) : tensor<1x4x70x64xf16>, tensor<1x4x90x64xf16>, tensor<1x4x90x64xf16> -> tensor<1x4x70x64xf16>
  return %o : tensor<1x4x70x64xf16>
}

// CHECK-DAG: @bias_causal_lse result 0: relative error {{.*}} PASS
// CHECK-DAG: @bias_causal_lse result 1: relative error {{.*}} PASS
func.func @bias_causal_lse(%q: tensor<1x4x70x64xbf16>, %k: tensor<1x2x90x64xbf16>, %v: tensor<1x2x90x64xbf16>, %bias: tensor<70x90xf32>) -> (tensor<1x4x70x64xbf16>, tensor<1x4x70xf32>) {
  %o, %lse = fused.attention %q, %k, %v bias(%bias : tensor<70x90xf32>) {causal} : tensor<1x4x70x64xbf16>, tensor<1x2x90x64xbf16>, tensor<1x2x90x64xbf16> -> tensor<1x4x70x64xbf16>, tensor<1x4x70xf32>
  return %o, %lse : tensor<1x4x70x64xbf16>, tensor<1x4x70xf32>
}

// CHECK-DAG: @causal_sq_gt_skv result 0: relative error {{.*}} PASS
// CHECK-DAG: @causal_sq_gt_skv result 1: relative error {{.*}} PASS
func.func @causal_sq_gt_skv(%q: tensor<1x4x256x64xf16>, %k: tensor<1x4x100x64xf16>, %v: tensor<1x4x100x64xf16>) -> (tensor<1x4x256x64xf16>, tensor<1x4x256xf32>) {
  %o, %lse = fused.attention %q, %k, %v {causal} : tensor<1x4x256x64xf16>, tensor<1x4x100x64xf16>, tensor<1x4x100x64xf16> -> tensor<1x4x256x64xf16>, tensor<1x4x256xf32>
  return %o, %lse : tensor<1x4x256x64xf16>, tensor<1x4x256xf32>
}

// CHECK-DAG: @d32_f32_out result 0: relative error {{.*}} PASS
func.func @d32_f32_out(%q: tensor<1x2x50x32xf16>, %k: tensor<1x1x70x32xf16>, %v: tensor<1x1x70x32xf16>) -> (tensor<1x2x50x32xf32>) {
  %o = fused.attention %q, %k, %v {causal} : tensor<1x2x50x32xf16>, tensor<1x1x70x32xf16>, tensor<1x1x70x32xf16> -> tensor<1x2x50x32xf32>
  return %o : tensor<1x2x50x32xf32>
}

// CHECK-DAG: @d96 result 0: relative error {{.*}} PASS
func.func @d96(%q: tensor<1x2x80x96xbf16>, %k: tensor<1x2x100x96xbf16>, %v: tensor<1x2x100x96xbf16>) -> (tensor<1x2x80x96xbf16>) {
  %o = fused.attention %q, %k, %v {causal} : tensor<1x2x80x96xbf16>, tensor<1x2x100x96xbf16>, tensor<1x2x100x96xbf16> -> tensor<1x2x80x96xbf16>
  return %o : tensor<1x2x80x96xbf16>
}

// CHECK-DAG: @d256 result 0: relative error {{.*}} PASS
func.func @d256(%q: tensor<1x2x40x256xf16>, %k: tensor<1x2x70x256xf16>, %v: tensor<1x2x70x256xf16>) -> (tensor<1x2x40x256xf16>) {
  %o = fused.attention %q, %k, %v : tensor<1x2x40x256xf16>, tensor<1x2x70x256xf16>, tensor<1x2x70x256xf16> -> tensor<1x2x40x256xf16>
  return %o : tensor<1x2x40x256xf16>
}

// CHECK-DAG: @decode result 0: relative error {{.*}} PASS
// CHECK-DAG: @decode result 1: relative error {{.*}} PASS
func.func @decode(%q: tensor<2x8x1x128xf16>, %k: tensor<2x1x1000x128xf16>, %v: tensor<2x1x1000x128xf16>) -> (tensor<2x8x1x128xf16>, tensor<2x8x1xf32>) {
  %o, %lse = fused.attention %q, %k, %v : tensor<2x8x1x128xf16>, tensor<2x1x1000x128xf16>, tensor<2x1x1000x128xf16> -> tensor<2x8x1x128xf16>, tensor<2x8x1xf32>
  return %o, %lse : tensor<2x8x1x128xf16>, tensor<2x8x1xf32>
}

