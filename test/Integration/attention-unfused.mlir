/// Attention written op by op (matmul with transposed K, scale, bias,
/// softmax, cast, matmul, cast) is recognised by fused-fuse and compiled to
/// one attention kernel; it runs on the emulator against the float64
/// reference of the unfused ops. With MQA through broadcasting K and V.
// RUN: fused-opt --fused-fuse %s | FileCheck %s --check-prefix=FUSE
// RUN: fused-compile --run --device=emulator --check --seed=0 --entry=unfused %s | FileCheck %s --check-prefix=UNFUSED
// RUN: fused-compile --run --device=emulator --check --seed=0 --entry=mqa_no_scale %s | FileCheck %s --check-prefix=MQA

// FUSE-LABEL: func.func @unfused
// FUSE: fused.kernel attention
// FUSE: fused.attention %{{.*}}, %{{.*}}, %{{.*}} bias(%{{.*}} : tensor<100x150xf32>) {scale = 1.250000e-01 : f32}
// FUSE-NOT: fused.softmax
// FUSE-LABEL: func.func @mqa_no_scale
// FUSE: fused.attention %{{.*}}, %{{.*}}, %{{.*}} {scale = 1.000000e+00 : f32} : tensor<1x4x33x64xbf16>, tensor<1x1x70x64xbf16>, tensor<1x1x70x64xbf16> -> tensor<1x4x33x64xf32>
// FUSE-LABEL: func.func @softmax_elsewhere
// FUSE: fused.softmax

// UNFUSED: @unfused result 0: relative error {{.*}} PASS
// MQA: @mqa_no_scale result 0: relative error {{.*}} PASS

func.func @unfused(%q: tensor<2x4x100x64xf16>, %k: tensor<2x4x150x64xf16>, %v: tensor<2x4x150x64xf16>, %bias: tensor<100x150xf32>) -> tensor<2x4x100x64xf16> {
  %s = fused.matmul %q, %k {transpose_b} : tensor<2x4x100x64xf16>, tensor<2x4x150x64xf16> -> tensor<2x4x100x150xf32>
  %c = arith.constant dense<0.125> : tensor<f32>
  %t = fused.mul %s, %c : tensor<2x4x100x150xf32>, tensor<f32> -> tensor<2x4x100x150xf32>
  %u = fused.add %t, %bias : tensor<2x4x100x150xf32>, tensor<100x150xf32> -> tensor<2x4x100x150xf32>
  %p = fused.softmax %u axis = 3 : tensor<2x4x100x150xf32>
  %p16 = fused.cast %p : tensor<2x4x100x150xf32> to tensor<2x4x100x150xf16>
  %o = fused.matmul %p16, %v : tensor<2x4x100x150xf16>, tensor<2x4x150x64xf16> -> tensor<2x4x100x64xf32>
  %o16 = fused.cast %o : tensor<2x4x100x64xf32> to tensor<2x4x100x64xf16>
  return %o16 : tensor<2x4x100x64xf16>
}

func.func @mqa_no_scale(%q: tensor<1x4x33x64xbf16>, %k: tensor<1x1x70x64xbf16>, %v: tensor<1x1x70x64xbf16>) -> tensor<1x4x33x64xf32> {
  %s = fused.matmul %q, %k {transpose_b} : tensor<1x4x33x64xbf16>, tensor<1x1x70x64xbf16> -> tensor<1x4x33x70xf32>
  %p = fused.softmax %s axis = -1 : tensor<1x4x33x70xf32>
  %pb = fused.cast %p : tensor<1x4x33x70xf32> to tensor<1x4x33x70xbf16>
  %o = fused.matmul %pb, %v : tensor<1x4x33x70xbf16>, tensor<1x1x70x64xbf16> -> tensor<1x4x33x64xf32>
  return %o : tensor<1x4x33x64xf32>
}

/// The softmax result is used twice: not an attention.
func.func @softmax_elsewhere(%q: tensor<1x1x16x16xf16>, %k: tensor<1x1x16x16xf16>) -> (tensor<1x1x16x16xf32>, tensor<1x1x16x16xf32>) {
  %s = fused.matmul %q, %k {transpose_b} : tensor<1x1x16x16xf16>, tensor<1x1x16x16xf16> -> tensor<1x1x16x16xf32>
  %p = fused.softmax %s axis = 3 : tensor<1x1x16x16xf32>
  %r = fused.exp %p : tensor<1x1x16x16xf32>
  return %p, %r : tensor<1x1x16x16xf32>, tensor<1x1x16x16xf32>
}
