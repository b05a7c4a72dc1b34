// RUN: fused-opt %s -split-input-file -fused-fuse | FileCheck %s
// RUN: fused-opt %s -split-input-file -fused-fuse | fused-opt -split-input-file -fused-fuse | FileCheck %s
// RUN: fused-opt %s -split-input-file -fused-fuse=fuse-epilogues=false | FileCheck %s --check-prefix=NOEPI
// RUN: fused-opt %s -split-input-file -fused-fuse=fuse-elementwise=false | FileCheck %s --check-prefix=NOELT

/// The canonical epilogue: bias with broadcasting, GELU, cast to f16.
// CHECK-LABEL: func.func @gemm_bias_gelu_cast
// CHECK-SAME: (%[[A:.*]]: tensor<128x64xf16>, %[[B:.*]]: tensor<64x256xf16>, %[[BIAS:.*]]: tensor<256xf32>)
// CHECK: %[[K:.*]] = fused.kernel gemm ins(%[[A]], %[[B]], %[[BIAS]] : tensor<128x64xf16>, tensor<64x256xf16>, tensor<256xf32>) -> tensor<128x256xf16> {
// CHECK-NEXT: ^bb0(%[[X:.*]]: tensor<128x64xf16>, %[[Y:.*]]: tensor<64x256xf16>, %[[Z:.*]]: tensor<256xf32>):
// CHECK-NEXT: %[[M:.*]] = fused.matmul %[[X]], %[[Y]]
// CHECK-NEXT: %[[S:.*]] = fused.add %[[M]], %[[Z]]
// CHECK-NEXT: %[[G:.*]] = fused.gelu tanh %[[S]]
// CHECK-NEXT: %[[C:.*]] = fused.cast %[[G]]
// CHECK-NEXT: fused.yield %[[C]] : tensor<128x256xf16>
// CHECK-NEXT: }
// CHECK-NEXT: return %[[K]]
// NOEPI-LABEL: func.func @gemm_bias_gelu_cast
// NOEPI: fused.kernel gemm
// NOEPI-NOT: fused.add
// NOEPI: fused.kernel elementwise
// NOEPI-SAME: -> tensor<128x256xf16>
// NOEPI: fused.add
// NOEPI: fused.gelu
// NOEPI: fused.cast
// NOELT-LABEL: func.func @gemm_bias_gelu_cast
// NOELT: fused.kernel gemm
// NOELT: fused.cast
// NOELT-NEXT: fused.yield
// NOELT-NEXT: }
// NOELT-NEXT: return
func.func @gemm_bias_gelu_cast(%a: tensor<128x64xf16>, %b: tensor<64x256xf16>, %bias: tensor<256xf32>) -> tensor<128x256xf16> {
  %m = fused.matmul %a, %b : tensor<128x64xf16>, tensor<64x256xf16> -> tensor<128x256xf32>
  %s = fused.add %m, %bias : tensor<128x256xf32>, tensor<256xf32> -> tensor<128x256xf32>
  %g = fused.gelu tanh %s : tensor<128x256xf32>
  %c = fused.cast %g : tensor<128x256xf32> to tensor<128x256xf16>
  return %c : tensor<128x256xf16>
}

// -----

/// A residual defined after the matmul (by a kernel of its own) still joins
/// the epilogue: the GEMM kernel is placed where its last op was.
// CHECK-LABEL: func.func @gemm_residual_defined_later
// CHECK-SAME: (%[[A:.*]]: tensor<32x16xbf16>, %[[B:.*]]: tensor<16x8xbf16>, %[[R:.*]]: tensor<32x8xf32>, %[[SC:.*]]: tensor<1xf32>)
// CHECK: %[[E:.*]] = fused.kernel elementwise ins(%[[R]] : tensor<32x8xf32>) -> tensor<32x8xf32> {
// CHECK: fused.exp
// CHECK: %[[K:.*]] = fused.kernel gemm ins(%[[A]], %[[B]], %[[SC]], %[[E]] : tensor<32x16xbf16>, tensor<16x8xbf16>, tensor<1xf32>, tensor<32x8xf32>) -> tensor<32x8xf32> {
// CHECK: fused.matmul
// CHECK-NEXT: fused.mul
// CHECK-NEXT: fused.add
// CHECK-NEXT: fused.yield
// CHECK: return %[[K]]
func.func @gemm_residual_defined_later(%a: tensor<32x16xbf16>, %b: tensor<16x8xbf16>, %r: tensor<32x8xf32>, %scale: tensor<1xf32>) -> tensor<32x8xf32> {
  %m = fused.matmul %a, %b : tensor<32x16xbf16>, tensor<16x8xbf16> -> tensor<32x8xf32>
  %s = fused.mul %m, %scale : tensor<32x8xf32>, tensor<1xf32> -> tensor<32x8xf32>
  %e = fused.exp %r : tensor<32x8xf32>
  %y = fused.add %s, %e : tensor<32x8xf32>, tensor<32x8xf32> -> tensor<32x8xf32>
  return %y : tensor<32x8xf32>
}

// -----

/// x * x: one consumer using the value twice is still a chain link.
// CHECK-LABEL: func.func @elementwise_chain
// CHECK-SAME: (%[[X:.*]]: tensor<4x8xf16>, %[[Y:.*]]: tensor<8xf16>)
// CHECK: %[[K:.*]] = fused.kernel elementwise ins(%[[X]], %[[Y]] : tensor<4x8xf16>, tensor<8xf16>) -> tensor<4x8xf16> {
// CHECK: %[[S:.*]] = fused.silu
// CHECK-NEXT: %[[Q:.*]] = fused.mul %[[S]], %[[S]]
// CHECK-NEXT: %[[D:.*]] = fused.sub %[[Q]], %{{.*}} : tensor<4x8xf16>, tensor<8xf16> -> tensor<4x8xf16>
// CHECK-NEXT: fused.yield %[[D]]
// CHECK: return %[[K]]
// NOELT-LABEL: func.func @elementwise_chain
// NOELT-COUNT-3: fused.kernel elementwise
func.func @elementwise_chain(%x: tensor<4x8xf16>, %y: tensor<8xf16>) -> tensor<4x8xf16> {
  %s = fused.silu %x : tensor<4x8xf16>
  %q = fused.mul %s, %s : tensor<4x8xf16>, tensor<4x8xf16> -> tensor<4x8xf16>
  %d = fused.sub %q, %y : tensor<4x8xf16>, tensor<8xf16> -> tensor<4x8xf16>
  return %d : tensor<4x8xf16>
}

// -----

/// The matmul result is also returned, so it must reach memory: the add gets
/// a kernel of its own.
// CHECK-LABEL: func.func @negative_matmul_two_uses
// CHECK: %[[M:.*]] = fused.kernel gemm
// CHECK: fused.matmul
// CHECK-NEXT: fused.yield
// CHECK: %[[E:.*]] = fused.kernel elementwise ins(%[[M]], %{{.*}} :
// CHECK: fused.add
// CHECK: return %[[M]], %[[E]]
func.func @negative_matmul_two_uses(%a: tensor<4x4xf32>, %b: tensor<4x4xf32>, %c: tensor<4xf32>) -> (tensor<4x4xf32>, tensor<4x4xf32>) {
  %m = fused.matmul %a, %b : tensor<4x4xf32>, tensor<4x4xf32> -> tensor<4x4xf32>
  %s = fused.add %m, %c : tensor<4x4xf32>, tensor<4xf32> -> tensor<4x4xf32>
  return %m, %s : tensor<4x4xf32>, tensor<4x4xf32>
}

// -----

/// The add broadcasts the matmul result to a larger shape: that is not an
/// epilogue on the output tile, so it stays out of the GEMM kernel.
// CHECK-LABEL: func.func @negative_epilogue_grows_output
// CHECK: fused.kernel gemm
// CHECK: fused.matmul
// CHECK-NEXT: fused.yield
// CHECK: fused.kernel elementwise
// CHECK-SAME: -> tensor<2x4x8xf32>
func.func @negative_epilogue_grows_output(%a: tensor<4x16xf32>, %b: tensor<16x8xf32>, %r: tensor<2x4x8xf32>) -> tensor<2x4x8xf32> {
  %m = fused.matmul %a, %b : tensor<4x16xf32>, tensor<16x8xf32> -> tensor<4x8xf32>
  %s = fused.add %m, %r : tensor<4x8xf32>, tensor<2x4x8xf32> -> tensor<2x4x8xf32>
  return %s : tensor<2x4x8xf32>
}

// -----

/// Ops that are not elementwise become kernels of their own kind, and the
/// softmax does not join the matmul's epilogue.
// CHECK-LABEL: func.func @single_op_kernels
// CHECK: fused.kernel gemm
// CHECK: fused.kernel softmax
// CHECK: fused.kernel reduction
// CHECK: fused.kernel normalization
// CHECK: fused.kernel transpose
// CHECK: fused.kernel attention
func.func @single_op_kernels(%a: tensor<8x8xf32>, %q: tensor<1x1x8x8xf32>) -> (tensor<8xf32>, tensor<8x8xf32>, tensor<1x1x8x8xf32>) {
  %m = fused.matmul %a, %a : tensor<8x8xf32>, tensor<8x8xf32> -> tensor<8x8xf32>
  %s = fused.softmax %m axis = -1 : tensor<8x8xf32>
  %r = fused.reduce_max %s axis = 1 : tensor<8x8xf32> -> tensor<8xf32>
  %n = fused.rmsnorm %s : tensor<8x8xf32>
  %t = fused.transpose %n permutation = [1, 0] : tensor<8x8xf32> -> tensor<8x8xf32>
  %o = fused.attention %q, %q, %q : tensor<1x1x8x8xf32>, tensor<1x1x8x8xf32>, tensor<1x1x8x8xf32> -> tensor<1x1x8x8xf32>
  return %r, %t, %o : tensor<8xf32>, tensor<8x8xf32>, tensor<1x1x8x8xf32>
}

// -----

/// Functions without fused ops are left as they are.
// CHECK-LABEL: func.func @negative_nothing_to_fuse
// CHECK-NEXT: return
// CHECK-NOT: fused.kernel
func.func @negative_nothing_to_fuse(%a: tensor<4xf32>) -> tensor<4xf32> {
  return %a : tensor<4xf32>
}

// -----

/// Views stay outside kernels; a slice that is not contiguous is copied by
/// a transpose kernel of its own; the consumers of views are kernels.
// CHECK-LABEL: func.func @views
// CHECK:         %[[R:.*]] = fused.reshape %{{.*}} : tensor<4x6xf16> to tensor<2x12xf16>
// CHECK:         %[[S:.*]] = fused.slice %[[R]] offsets = [1, 0]
// CHECK:         fused.kernel elementwise ins(%[[S]] :
// CHECK:         fused.kernel transpose ins(%{{.*}} : tensor<4x6xf16>)
// CHECK-NEXT:    ^bb0
// CHECK-NEXT:      fused.slice %{{.*}} offsets = [0, 2] : tensor<4x6xf16> to tensor<4x3xf16>
func.func @views(%x: tensor<4x6xf16>) -> (tensor<1x12xf16>, tensor<4x3xf16>) {
  %r = fused.reshape %x : tensor<4x6xf16> to tensor<2x12xf16>
  %s = fused.slice %r offsets = [1, 0] : tensor<2x12xf16> to tensor<1x12xf16>
  %e = fused.exp %s : tensor<1x12xf16>
  %c = fused.slice %x offsets = [0, 2] : tensor<4x6xf16> to tensor<4x3xf16>
  return %e, %c : tensor<1x12xf16>, tensor<4x3xf16>
}

// -----

/// Splat constants of a GEMM epilogue or an elementwise chain move into the
/// kernel (code generation makes them immediates); the kernel takes only
/// the other operands.
// CHECK-LABEL: func.func @constants
// CHECK-NOT:     arith.constant
// CHECK:         fused.kernel gemm ins(%{{.*}}, %{{.*}} : tensor<8x16xf16>, tensor<16x8xf16>)
// CHECK-NEXT:    ^bb0
// CHECK-NEXT:      arith.constant dense<1.250000e-01> : tensor<f32>
// CHECK-NEXT:      fused.matmul
// CHECK-NEXT:      fused.mul
// CHECK:         fused.kernel elementwise ins(%{{.*}} : tensor<8x8xf32>)
// CHECK-NEXT:    ^bb0
// CHECK-NEXT:      arith.constant dense<2.000000e+00> : tensor<8x8xf32>
// CHECK-NEXT:      fused.sub
func.func @constants(%a: tensor<8x16xf16>, %b: tensor<16x8xf16>, %x: tensor<8x8xf32>)
    -> (tensor<8x8xf32>, tensor<8x8xf32>) {
  %s = arith.constant dense<0.125> : tensor<f32>
  %t = arith.constant dense<2.0> : tensor<8x8xf32>
  %m = fused.matmul %a, %b : tensor<8x16xf16>, tensor<16x8xf16> -> tensor<8x8xf32>
  %y = fused.mul %m, %s : tensor<8x8xf32>, tensor<f32> -> tensor<8x8xf32>
  %z = fused.sub %x, %t : tensor<8x8xf32>, tensor<8x8xf32> -> tensor<8x8xf32>
  return %y, %z : tensor<8x8xf32>, tensor<8x8xf32>
}

// -----

/// A residual add joins the norm of its sum: one normalization kernel
/// returning the sum (used later) and the norm. When the sum is used before
/// the norm, the add stays an elementwise kernel of its own.
// CHECK-LABEL: func.func @residual_norm
// CHECK:         %[[K:.*]]:2 = fused.kernel normalization ins(%{{.*}}, %{{.*}}, %{{.*}} : tensor<4x64xf16>, tensor<4x64xf16>, tensor<64xf32>)
// CHECK:           %[[S:.*]] = fused.add
// CHECK-NEXT:      %[[N:.*]] = fused.rmsnorm %[[S]]
// CHECK-NEXT:      fused.yield %[[S]], %[[N]]
// CHECK:         fused.kernel elementwise ins(%[[K]]#0, %[[K]]#1
// CHECK-LABEL: func.func @residual_used_first
// CHECK:         fused.kernel elementwise
// CHECK:         fused.kernel elementwise
// CHECK:         fused.kernel normalization ins(%{{.*}}, %{{.*}} : tensor<4x64xf16>, tensor<64xf32>)
func.func @residual_norm(%a: tensor<4x64xf16>, %b: tensor<4x64xf16>, %g: tensor<64xf32>) -> tensor<4x64xf16> {
  %s = fused.add %a, %b : tensor<4x64xf16>, tensor<4x64xf16> -> tensor<4x64xf16>
  %n = fused.rmsnorm %s weight(%g : tensor<64xf32>) : tensor<4x64xf16>
  %y = fused.mul %s, %n : tensor<4x64xf16>, tensor<4x64xf16> -> tensor<4x64xf16>
  return %y : tensor<4x64xf16>
}
func.func @residual_used_first(%a: tensor<4x64xf16>, %b: tensor<4x64xf16>, %g: tensor<64xf32>) -> (tensor<4x64xf16>, tensor<4x64xf16>) {
  %s = fused.add %a, %b : tensor<4x64xf16>, tensor<4x64xf16> -> tensor<4x64xf16>
  %e = fused.exp %s : tensor<4x64xf16>
  %n = fused.rmsnorm %s weight(%g : tensor<64xf32>) : tensor<4x64xf16>
  return %e, %n : tensor<4x64xf16>, tensor<4x64xf16>
}
