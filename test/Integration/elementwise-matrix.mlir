/// Elementwise chains, one kernel each, against the float64 reference with
/// fresh random inputs each run (the seed is printed): every elementwise op
/// of the dialect, numpy broadcasting on either side and in every position
/// (rows, columns, middle dimensions, one element), casts inside the chain,
/// f16, bf16 and f32, innermost sizes that allow 16-byte accesses and odd
/// ones. The emulator runs the generated kernels thread by thread.
// RUN: fused-compile --run --device=emulator --check --seed=0 --chip=sm_80 %s | FileCheck %s

// CHECK: @swiglu result 0: relative error {{.*}} PASS
func.func @swiglu(%a: tensor<7x4096xbf16>, %b: tensor<7x4096xbf16>) -> tensor<7x4096xbf16> {
  %s = fused.silu %a : tensor<7x4096xbf16>
  %y = fused.mul %s, %b : tensor<7x4096xbf16>, tensor<7x4096xbf16> -> tensor<7x4096xbf16>
  return %y : tensor<7x4096xbf16>
}
// CHECK: @bias_gelu_bcast result 0: relative error {{.*}} PASS
func.func @bias_gelu_bcast(%x: tensor<3x5x768xf16>, %bias: tensor<768xf32>) -> tensor<3x5x768xf16> {
  %c = fused.cast %x : tensor<3x5x768xf16> to tensor<3x5x768xf32>
  %a = fused.add %c, %bias : tensor<3x5x768xf32>, tensor<768xf32> -> tensor<3x5x768xf32>
  %g = fused.gelu tanh %a : tensor<3x5x768xf32>
  %o = fused.cast %g : tensor<3x5x768xf32> to tensor<3x5x768xf16>
  return %o : tensor<3x5x768xf16>
}
// CHECK: @sigmoid_gate result 0: relative error {{.*}} PASS
func.func @sigmoid_gate(%x: tensor<5x131xf16>, %g: tensor<131xf16>) -> tensor<5x131xf16> {
  %s = fused.sigmoid %x : tensor<5x131xf16>
  %y = fused.mul %s, %g : tensor<5x131xf16>, tensor<131xf16> -> tensor<5x131xf16>
  return %y : tensor<5x131xf16>
}
// CHECK: @col_bcast_odd result 0: relative error {{.*}} PASS
func.func @col_bcast_odd(%x: tensor<9x33xf32>, %s: tensor<9x1xf32>) -> tensor<9x33xf32> {
  %m = fused.mul %x, %s : tensor<9x33xf32>, tensor<9x1xf32> -> tensor<9x33xf32>
  %e = fused.exp %m : tensor<9x33xf32>
  return %e : tensor<9x33xf32>
}
// CHECK: @scaled_residual result 0: relative error {{.*}} PASS
func.func @scaled_residual(%x: tensor<4x1000xf16>, %r: tensor<4x1000xf16>, %k: tensor<1xf16>) -> tensor<4x1000xf16> {
  %m = fused.mul %x, %k : tensor<4x1000xf16>, tensor<1xf16> -> tensor<4x1000xf16>
  %y = fused.add %m, %r : tensor<4x1000xf16>, tensor<4x1000xf16> -> tensor<4x1000xf16>
  return %y : tensor<4x1000xf16>
}
// CHECK: @single_relu result 0: relative error {{.*}} PASS
func.func @single_relu(%x: tensor<12345xf32>) -> tensor<12345xf32> {
  %y = fused.relu %x : tensor<12345xf32>
  return %y : tensor<12345xf32>
}

// CHECK: @bcast_both_sides result 0: relative error {{.*}} PASS
func.func @bcast_both_sides(%l: tensor<4x1x8xbf16>, %r: tensor<1x16x8xbf16>) -> tensor<4x16x8xbf16> {
  %m = fused.mul %l, %r : tensor<4x1x8xbf16>, tensor<1x16x8xbf16> -> tensor<4x16x8xbf16>
  %t = fused.tanh %m : tensor<4x16x8xbf16>
  return %t : tensor<4x16x8xbf16>
}

// CHECK: @every_op result 0: relative error {{.*}} PASS
func.func @every_op(%a: tensor<6x40xf32>, %b: tensor<6x40xf32>, %c: tensor<40xf32>) -> tensor<6x40xf32> {
  %s = fused.sub %a, %b : tensor<6x40xf32>, tensor<6x40xf32> -> tensor<6x40xf32>
  %n = fused.neg %s : tensor<6x40xf32>
  %x = fused.max %n, %c : tensor<6x40xf32>, tensor<40xf32> -> tensor<6x40xf32>
  %y = fused.min %x, %a : tensor<6x40xf32>, tensor<6x40xf32> -> tensor<6x40xf32>
  %e = fused.exp %y : tensor<6x40xf32>
  %q = fused.rsqrt %e : tensor<6x40xf32>
  %d = fused.div %q, %e : tensor<6x40xf32>, tensor<6x40xf32> -> tensor<6x40xf32>
  %g = fused.gelu erf %d : tensor<6x40xf32>
  %r = fused.relu %g : tensor<6x40xf32>
  return %r : tensor<6x40xf32>
}

// CHECK: @narrowing_cast_mid_chain result 0: relative error {{.*}} PASS
func.func @narrowing_cast_mid_chain(%a: tensor<8x64xf32>) -> tensor<8x64xf32> {
  %h = fused.cast %a : tensor<8x64xf32> to tensor<8x64xf16>
  %w = fused.cast %h : tensor<8x64xf16> to tensor<8x64xf32>
  %e = fused.exp %w : tensor<8x64xf32>
  return %e : tensor<8x64xf32>
}

/// Every elementwise op of the dialect in each element type, unary ones
/// summed into one chain and binary ones broadcasting a row and a column.
// CHECK: @every_unary_f16 result 0: relative error {{.*}} PASS
func.func @every_unary_f16(%x: tensor<5x133xf16>) -> tensor<5x133xf16> {
  %e = fused.exp %x : tensor<5x133xf16>
  %t = fused.tanh %x : tensor<5x133xf16>
  %g = fused.gelu erf %x : tensor<5x133xf16>
  %h = fused.gelu tanh %x : tensor<5x133xf16>
  %s = fused.silu %x : tensor<5x133xf16>
  %sg = fused.sigmoid %x : tensor<5x133xf16>
  %r = fused.relu %x : tensor<5x133xf16>
  %n = fused.neg %x : tensor<5x133xf16>
  %q = fused.rsqrt %e : tensor<5x133xf16>
  %a1 = fused.add %e, %t : tensor<5x133xf16>, tensor<5x133xf16> -> tensor<5x133xf16>
  %a2 = fused.add %a1, %g : tensor<5x133xf16>, tensor<5x133xf16> -> tensor<5x133xf16>
  %a3 = fused.add %a2, %h : tensor<5x133xf16>, tensor<5x133xf16> -> tensor<5x133xf16>
  %a4 = fused.add %a3, %s : tensor<5x133xf16>, tensor<5x133xf16> -> tensor<5x133xf16>
  %a5 = fused.add %a4, %sg : tensor<5x133xf16>, tensor<5x133xf16> -> tensor<5x133xf16>
  %a6 = fused.add %a5, %r : tensor<5x133xf16>, tensor<5x133xf16> -> tensor<5x133xf16>
  %a7 = fused.add %a6, %n : tensor<5x133xf16>, tensor<5x133xf16> -> tensor<5x133xf16>
  %a8 = fused.add %a7, %q : tensor<5x133xf16>, tensor<5x133xf16> -> tensor<5x133xf16>
  return %a8 : tensor<5x133xf16>
}
// CHECK: @every_binary_f16 result 0: relative error {{.*}} PASS
func.func @every_binary_f16(%x: tensor<5x133xf16>, %row: tensor<133xf16>, %col: tensor<5x1xf16>) -> tensor<5x133xf16> {
  %a = fused.add %x, %row : tensor<5x133xf16>, tensor<133xf16> -> tensor<5x133xf16>
  %b = fused.sub %a, %col : tensor<5x133xf16>, tensor<5x1xf16> -> tensor<5x133xf16>
  %c = fused.mul %b, %row : tensor<5x133xf16>, tensor<133xf16> -> tensor<5x133xf16>
  %e = fused.exp %col : tensor<5x1xf16>
  %d = fused.div %c, %e : tensor<5x133xf16>, tensor<5x1xf16> -> tensor<5x133xf16>
  %m = fused.max %d, %row : tensor<5x133xf16>, tensor<133xf16> -> tensor<5x133xf16>
  %n = fused.min %m, %col : tensor<5x133xf16>, tensor<5x1xf16> -> tensor<5x133xf16>
  return %n : tensor<5x133xf16>
}
// CHECK: @every_unary_bf16 result 0: relative error {{.*}} PASS
func.func @every_unary_bf16(%x: tensor<5x133xbf16>) -> tensor<5x133xbf16> {
  %e = fused.exp %x : tensor<5x133xbf16>
  %t = fused.tanh %x : tensor<5x133xbf16>
  %g = fused.gelu erf %x : tensor<5x133xbf16>
  %h = fused.gelu tanh %x : tensor<5x133xbf16>
  %s = fused.silu %x : tensor<5x133xbf16>
  %sg = fused.sigmoid %x : tensor<5x133xbf16>
  %r = fused.relu %x : tensor<5x133xbf16>
  %n = fused.neg %x : tensor<5x133xbf16>
  %q = fused.rsqrt %e : tensor<5x133xbf16>
  %a1 = fused.add %e, %t : tensor<5x133xbf16>, tensor<5x133xbf16> -> tensor<5x133xbf16>
  %a2 = fused.add %a1, %g : tensor<5x133xbf16>, tensor<5x133xbf16> -> tensor<5x133xbf16>
  %a3 = fused.add %a2, %h : tensor<5x133xbf16>, tensor<5x133xbf16> -> tensor<5x133xbf16>
  %a4 = fused.add %a3, %s : tensor<5x133xbf16>, tensor<5x133xbf16> -> tensor<5x133xbf16>
  %a5 = fused.add %a4, %sg : tensor<5x133xbf16>, tensor<5x133xbf16> -> tensor<5x133xbf16>
  %a6 = fused.add %a5, %r : tensor<5x133xbf16>, tensor<5x133xbf16> -> tensor<5x133xbf16>
  %a7 = fused.add %a6, %n : tensor<5x133xbf16>, tensor<5x133xbf16> -> tensor<5x133xbf16>
  %a8 = fused.add %a7, %q : tensor<5x133xbf16>, tensor<5x133xbf16> -> tensor<5x133xbf16>
  return %a8 : tensor<5x133xbf16>
}
// CHECK: @every_binary_bf16 result 0: relative error {{.*}} PASS
func.func @every_binary_bf16(%x: tensor<5x133xbf16>, %row: tensor<133xbf16>, %col: tensor<5x1xbf16>) -> tensor<5x133xbf16> {
  %a = fused.add %x, %row : tensor<5x133xbf16>, tensor<133xbf16> -> tensor<5x133xbf16>
  %b = fused.sub %a, %col : tensor<5x133xbf16>, tensor<5x1xbf16> -> tensor<5x133xbf16>
  %c = fused.mul %b, %row : tensor<5x133xbf16>, tensor<133xbf16> -> tensor<5x133xbf16>
  %e = fused.exp %col : tensor<5x1xbf16>
  %d = fused.div %c, %e : tensor<5x133xbf16>, tensor<5x1xbf16> -> tensor<5x133xbf16>
  %m = fused.max %d, %row : tensor<5x133xbf16>, tensor<133xbf16> -> tensor<5x133xbf16>
  %n = fused.min %m, %col : tensor<5x133xbf16>, tensor<5x1xbf16> -> tensor<5x133xbf16>
  return %n : tensor<5x133xbf16>
}
// CHECK: @every_unary_f32 result 0: relative error {{.*}} PASS
func.func @every_unary_f32(%x: tensor<5x133xf32>) -> tensor<5x133xf32> {
  %e = fused.exp %x : tensor<5x133xf32>
  %t = fused.tanh %x : tensor<5x133xf32>
  %g = fused.gelu erf %x : tensor<5x133xf32>
  %h = fused.gelu tanh %x : tensor<5x133xf32>
  %s = fused.silu %x : tensor<5x133xf32>
  %sg = fused.sigmoid %x : tensor<5x133xf32>
  %r = fused.relu %x : tensor<5x133xf32>
  %n = fused.neg %x : tensor<5x133xf32>
  %q = fused.rsqrt %e : tensor<5x133xf32>
  %a1 = fused.add %e, %t : tensor<5x133xf32>, tensor<5x133xf32> -> tensor<5x133xf32>
  %a2 = fused.add %a1, %g : tensor<5x133xf32>, tensor<5x133xf32> -> tensor<5x133xf32>
  %a3 = fused.add %a2, %h : tensor<5x133xf32>, tensor<5x133xf32> -> tensor<5x133xf32>
  %a4 = fused.add %a3, %s : tensor<5x133xf32>, tensor<5x133xf32> -> tensor<5x133xf32>
  %a5 = fused.add %a4, %sg : tensor<5x133xf32>, tensor<5x133xf32> -> tensor<5x133xf32>
  %a6 = fused.add %a5, %r : tensor<5x133xf32>, tensor<5x133xf32> -> tensor<5x133xf32>
  %a7 = fused.add %a6, %n : tensor<5x133xf32>, tensor<5x133xf32> -> tensor<5x133xf32>
  %a8 = fused.add %a7, %q : tensor<5x133xf32>, tensor<5x133xf32> -> tensor<5x133xf32>
  return %a8 : tensor<5x133xf32>
}
// CHECK: @every_binary_f32 result 0: relative error {{.*}} PASS
func.func @every_binary_f32(%x: tensor<5x133xf32>, %row: tensor<133xf32>, %col: tensor<5x1xf32>) -> tensor<5x133xf32> {
  %a = fused.add %x, %row : tensor<5x133xf32>, tensor<133xf32> -> tensor<5x133xf32>
  %b = fused.sub %a, %col : tensor<5x133xf32>, tensor<5x1xf32> -> tensor<5x133xf32>
  %c = fused.mul %b, %row : tensor<5x133xf32>, tensor<133xf32> -> tensor<5x133xf32>
  %e = fused.exp %col : tensor<5x1xf32>
  %d = fused.div %c, %e : tensor<5x133xf32>, tensor<5x1xf32> -> tensor<5x133xf32>
  %m = fused.max %d, %row : tensor<5x133xf32>, tensor<133xf32> -> tensor<5x133xf32>
  %n = fused.min %m, %col : tensor<5x133xf32>, tensor<5x1xf32> -> tensor<5x133xf32>
  return %n : tensor<5x133xf32>
}
