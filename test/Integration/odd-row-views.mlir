/// Rows that are not whole 16-byte chunks, read through views that start
/// off a 16-byte boundary (the last rows of a 4 x 1001 f16 tensor, 2002
/// bytes in): the row-wise and row-reduction kernels take them, with
/// element accesses where the 16-byte windows of aligned rows would assume
/// the buffer's alignment; against the float64 reference on the emulator.
/// Through an aligned buffer the same kernels use the windows (ratios in
/// memory-bound-ratios.mlir).
// RUN: fused-compile --run --device=emulator --check %s | FileCheck %s

// CHECK: @softmax_last_rows result 0: {{.*}} PASS
func.func @softmax_last_rows(%x: tensor<4x1001xf16>) -> tensor<3x1001xf16> {
  %s = fused.slice %x offsets = [1, 0] : tensor<4x1001xf16> to tensor<3x1001xf16>
  %y = fused.softmax %s axis = -1 : tensor<3x1001xf16>
  return %y : tensor<3x1001xf16>
}

// CHECK: @sum_last_rows result 0: {{.*}} PASS
func.func @sum_last_rows(%x: tensor<4x1001xf16>) -> tensor<3xf16> {
  %s = fused.slice %x offsets = [1, 0] : tensor<4x1001xf16> to tensor<3x1001xf16>
  %y = fused.reduce_sum %s axis = 1 : tensor<3x1001xf16> -> tensor<3xf16>
  return %y : tensor<3xf16>
}

// CHECK: @rmsnorm_last_rows result 0: {{.*}} PASS
func.func @rmsnorm_last_rows(%x: tensor<4x1001xf16>) -> tensor<3x1001xf16> {
  %s = fused.slice %x offsets = [1, 0] : tensor<4x1001xf16> to tensor<3x1001xf16>
  %y = fused.rmsnorm %s : tensor<3x1001xf16>
  return %y : tensor<3x1001xf16>
}

// CHECK: @softmax_axis0_last_rows result 0: {{.*}} PASS
func.func @softmax_axis0_last_rows(%x: tensor<4x1001xf16>) -> tensor<3x1001xf16> {
  %s = fused.slice %x offsets = [1, 0] : tensor<4x1001xf16> to tensor<3x1001xf16>
  %y = fused.softmax %s axis = 0 : tensor<3x1001xf16>
  return %y : tensor<3x1001xf16>
}
