/// Softmax over an axis other than the last, on the emulator against the
/// float64 reference: each thread owns 16 bytes (or one element where the
/// innermost dimension does not allow them) of the dimensions after the
/// axis for one index before it and walks the axis, holding the column in
/// registers when it fits (read once) and otherwise reading it twice. The
/// ratio lines hold the bytes moved to the minimum (1.0 with the column in
/// registers, 1.5 read twice; a short inner part scatters a warp's reads).
// RUN: fused-compile --run --device=emulator --check %s | FileCheck %s
// RUN: python3 %fused_src_root/scripts/memory_bound_ratios.py --tool fused-compile %s | FileCheck %s --check-prefix=RATIO

// CHECK: @heads_f16 result 0: {{.*}} PASS
// RATIO: | heads_f16 | 1.000 |
func.func @heads_f16(%x: tensor<3x4x128xf16>) -> tensor<3x4x128xf16> {
  %y = fused.softmax %x axis = 1 : tensor<3x4x128xf16>
  return %y : tensor<3x4x128xf16>
}

// CHECK: @middle_bf16 result 0: {{.*}} PASS
// RATIO: | middle_bf16 | 1.500 |
// bound: 1.51 the column (13 x 8 elements) does not fit in registers: read twice
func.func @middle_bf16(%x: tensor<4x13x64xbf16>) -> tensor<4x13x64xbf16> {
  %y = fused.softmax %x axis = 1 : tensor<4x13x64xbf16>
  return %y : tensor<4x13x64xbf16>
}

// CHECK: @odd_f32 result 0: {{.*}} PASS
// bound: 3.90 excess: an inner part of 5 elements: a warp's threads read columns 740 bytes apart
func.func @odd_f32(%x: tensor<7x37x5xf32>) -> tensor<7x37x5xf32> {
  %y = fused.softmax %x axis = 1 : tensor<7x37x5xf32>
  return %y : tensor<7x37x5xf32>
}

// CHECK: @first_axis_f16 result 0: {{.*}} PASS
// bound: 1.81 the column (9 x 8 elements) does not fit in registers: read twice, by 5 threads
func.func @first_axis_f16(%x: tensor<9x40xf16>) -> tensor<9x40xf16> {
  %y = fused.softmax %x axis = 0 : tensor<9x40xf16>
  return %y : tensor<9x40xf16>
}

// CHECK: @four_d_f32 result 0: {{.*}} PASS
func.func @four_d_f32(%x: tensor<2x3x5x16xf32>) -> tensor<2x3x5x16xf32> {
  %y = fused.softmax %x axis = -2 : tensor<2x3x5x16xf32>
  return %y : tensor<2x3x5x16xf32>
}
// RATIO: memory-bound ratios: 0 over their bound
