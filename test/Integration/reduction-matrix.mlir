/// Reductions (sum and max) over every position of the axis, keepdim or
/// not, against the float64 reference with fresh random inputs each run
/// (the seed is printed): innermost axes (a block per output, 16-byte or
/// element accesses), leading and middle axes (a thread per output chunk),
/// to a scalar; f16, bf16 and f32; odd sizes. The emulator runs the
/// generated kernels thread by thread.
// RUN: fused-compile --run --device=emulator --check --seed=0 --chip=sm_80 %s | FileCheck %s

// CHECK: @sum_last result 0: relative error {{.*}} PASS
func.func @sum_last(%x: tensor<6x7x1000xf16>) -> tensor<6x7xf16> {
  %y = fused.reduce_sum %x axis = -1 : tensor<6x7x1000xf16> -> tensor<6x7xf16>
  return %y : tensor<6x7xf16>
}
// CHECK: @max_last_keep_odd result 0: relative error {{.*}} PASS
func.func @max_last_keep_odd(%x: tensor<5x50257xf32>) -> tensor<5x1xf32> {
  %y = fused.reduce_max %x axis = 1 keepdim : tensor<5x50257xf32> -> tensor<5x1xf32>
  return %y : tensor<5x1xf32>
}
// CHECK: @sum_first result 0: relative error {{.*}} PASS
func.func @sum_first(%x: tensor<300x64xbf16>) -> tensor<64xbf16> {
  %y = fused.reduce_sum %x axis = 0 : tensor<300x64xbf16> -> tensor<64xbf16>
  return %y : tensor<64xbf16>
}
// CHECK: @max_middle_keep result 0: relative error {{.*}} PASS
func.func @max_middle_keep(%x: tensor<3x17x40xf32>) -> tensor<3x1x40xf32> {
  %y = fused.reduce_max %x axis = 1 keepdim : tensor<3x17x40xf32> -> tensor<3x1x40xf32>
  return %y : tensor<3x1x40xf32>
}
// CHECK: @sum_middle_odd result 0: relative error {{.*}} PASS
func.func @sum_middle_odd(%x: tensor<2x9x13x3xf32>) -> tensor<2x13x3xf32> {
  %y = fused.reduce_sum %x axis = 1 : tensor<2x9x13x3xf32> -> tensor<2x13x3xf32>
  return %y : tensor<2x13x3xf32>
}
// CHECK: @sum_vector result 0: relative error {{.*}} PASS
func.func @sum_vector(%x: tensor<4099xf32>) -> tensor<f32> {
  %y = fused.reduce_sum %x axis = 0 : tensor<4099xf32> -> tensor<f32>
  return %y : tensor<f32>
}

// CHECK: @max_first_f16_keep result 0: relative error {{.*}} PASS
func.func @max_first_f16_keep(%x: tensor<33x24xf16>) -> tensor<1x24xf16> {
  %y = fused.reduce_max %x axis = 0 keepdim : tensor<33x24xf16> -> tensor<1x24xf16>
  return %y : tensor<1x24xf16>
}

/// Columns that are not whole 16-byte windows (36 bf16: 8-byte windows), a
/// thread per window walking 42 rows with the backend's unrolled loads in
/// flight (ptxas spilled at full occupancy before nvvm.minctasm).
// CHECK: @sum_first_walked result 0: relative error {{.*}} PASS
func.func @sum_first_walked(%x: tensor<42x36xbf16>) -> tensor<36xbf16> {
  %y = fused.reduce_sum %x axis = 0 : tensor<42x36xbf16> -> tensor<36xbf16>
  return %y : tensor<36xbf16>
}

/// Rows of 294 16-byte windows (49 x 48 halves): a thread per window walks
/// the 16 rows. Rows of few windows (13 x 8 floats, 26 windows): a block
/// per outer index walks its slab 9 rows at a time, consecutive threads on
/// consecutive windows, and combines the threads' partials in shared
/// memory.
// CHECK: @sum_first_wide result 0: relative error {{.*}} PASS
func.func @sum_first_wide(%x: tensor<16x49x48xf16>) -> tensor<49x48xf16> {
  %y = fused.reduce_sum %x axis = 0 : tensor<16x49x48xf16> -> tensor<49x48xf16>
  return %y : tensor<49x48xf16>
}
// CHECK: @sum_middle_block result 0: relative error {{.*}} PASS
func.func @sum_middle_block(%x: tensor<2x9x13x8xf32>) -> tensor<2x13x8xf32> {
  %y = fused.reduce_sum %x axis = 1 : tensor<2x9x13x8xf32> -> tensor<2x13x8xf32>
  return %y : tensor<2x13x8xf32>
}
