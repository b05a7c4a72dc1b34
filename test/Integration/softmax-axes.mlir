/// Softmax over an axis other than the last, on the emulator against the
/// float64 reference. A slab (the axis and the dimensions after it) of up
/// to 48 KiB goes through shared memory, a block per index before the axis:
/// read and written once. Larger slabs: each thread owns 16 bytes (or one
/// element where the innermost dimension does not allow them) of the
/// dimensions after the axis and walks the axis, holding the column in
/// registers when it fits (read once), else reading it twice. The ratio
/// lines hold the bytes moved to the minimum.
// RUN: fused-compile --run --device=emulator --check %s | FileCheck %s
// RUN: python3 %fused_src_root/scripts/memory_bound_ratios.py --tool fused-compile %s | FileCheck %s --check-prefix=RATIO

// CHECK: @heads_f16 result 0: {{.*}} PASS
// RATIO: | heads_f16 | 1.000 |
func.func @heads_f16(%x: tensor<3x4x128xf16>) -> tensor<3x4x128xf16> {
  %y = fused.softmax %x axis = 1 : tensor<3x4x128xf16>
  return %y : tensor<3x4x128xf16>
}

// CHECK: @middle_bf16 result 0: {{.*}} PASS
// RATIO: | middle_bf16 | 1.000 |
func.func @middle_bf16(%x: tensor<4x13x64xbf16>) -> tensor<4x13x64xbf16> {
  %y = fused.softmax %x axis = 1 : tensor<4x13x64xbf16>
  return %y : tensor<4x13x64xbf16>
}

// CHECK: @odd_f32 result 0: {{.*}} PASS
// bound: 1.23 excess: slabs of 740 bytes copied element by element straddle sectors
func.func @odd_f32(%x: tensor<7x37x5xf32>) -> tensor<7x37x5xf32> {
  %y = fused.softmax %x axis = 1 : tensor<7x37x5xf32>
  return %y : tensor<7x37x5xf32>
}

// CHECK: @first_axis_f16 result 0: {{.*}} PASS
func.func @first_axis_f16(%x: tensor<9x40xf16>) -> tensor<9x40xf16> {
  %y = fused.softmax %x axis = 0 : tensor<9x40xf16>
  return %y : tensor<9x40xf16>
}

// CHECK: @four_d_f32 result 0: {{.*}} PASS
func.func @four_d_f32(%x: tensor<2x3x5x16xf32>) -> tensor<2x3x5x16xf32> {
  %y = fused.softmax %x axis = -2 : tensor<2x3x5x16xf32>
  return %y : tensor<2x3x5x16xf32>
}
// CHECK: @columns_registers_f16 result 0: {{.*}} PASS
// RATIO: | columns_registers_f16 | 1.000 |
/// A 64 KiB slab: columns of 4 x 8 elements in registers.
func.func @columns_registers_f16(%x: tensor<4x8192xf16>) -> tensor<4x8192xf16> {
  %y = fused.softmax %x axis = 0 : tensor<4x8192xf16>
  return %y : tensor<4x8192xf16>
}

// CHECK: @columns_twice_f32 result 0: {{.*}} PASS
// RATIO: | columns_twice_f32 | 1.500 |
/// A 256 KiB slab, columns of 64 x 4 elements: read twice.
// bound: 1.50 the column does not fit in registers: read twice
func.func @columns_twice_f32(%x: tensor<64x1024xf32>) -> tensor<64x1024xf32> {
  %y = fused.softmax %x axis = 0 : tensor<64x1024xf32>
  return %y : tensor<64x1024xf32>
}
// RATIO: memory-bound ratios: 0 over their bound
