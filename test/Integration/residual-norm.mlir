/// A residual add fused into the layernorm or rmsnorm of its sum: one
/// kernel reads both addends, writes the sum (when the function uses it
/// elsewhere) and the normalised rows, against the float64 reference with
/// fresh random inputs; rows in registers and streamed; the sum rounded to
/// its element type before the norm, as the unfused program computes it.
// RUN: fused-compile --run --device=emulator --check --seed=0 --chip=sm_80 %s | FileCheck %s
// RUN: fused-compile --run --device=emulator --counters --chip=sm_80 %s | FileCheck %s --check-prefix=COUNT

// CHECK: @add_ln result 0: relative error {{.*}} PASS
// CHECK: @add_ln result 1: relative error {{.*}} PASS
// CHECK: @add_rms_only result 0: relative error {{.*}} PASS
// CHECK: @add_ln_streamed result 0: relative error {{.*}} PASS
// CHECK: @add_ln_streamed result 1: relative error {{.*}} PASS

/// One kernel per function but the last (whose product is its own
/// elementwise kernel): both addends read once (2 x 56832 bytes, plus the
/// weight and bias per row), sum and norm written once each.
// COUNT-LABEL: @add_ln add_ln_normalization counters:
// COUNT: global stores: {{[0-9]+}} requests, 3552 sectors (ideal 3552, excess 0)
// COUNT: unique global bytes written: 113664
// COUNT-NOT: add_ln_elementwise
/// The sum is not returned: only the norm is written (65536 bytes).
// COUNT-LABEL: @add_rms_only add_rms_only_normalization counters:
// COUNT: global stores: 128 requests, 2048 sectors (ideal 2048, excess 0)
// COUNT: unique global bytes read: 139264
// COUNT: unique global bytes written: 65536
// COUNT-LABEL: @add_ln_streamed add_ln_streamed_normalization counters:
// COUNT: unique global bytes written: 960000
func.func @add_ln(%a: tensor<37x768xf16>, %b: tensor<37x768xf16>, %g: tensor<768xf32>, %bb: tensor<768xf32>)
    -> (tensor<37x768xf16>, tensor<37x768xf16>) {
  %s = fused.add %a, %b : tensor<37x768xf16>, tensor<37x768xf16> -> tensor<37x768xf16>
  %n = fused.layernorm %s weight(%g : tensor<768xf32>) bias(%bb : tensor<768xf32>) : tensor<37x768xf16>
  return %s, %n : tensor<37x768xf16>, tensor<37x768xf16>
}
func.func @add_rms_only(%a: tensor<8x4096xbf16>, %b: tensor<8x4096xbf16>, %g: tensor<4096xbf16>) -> tensor<8x4096xbf16> {
  %s = fused.add %a, %b : tensor<8x4096xbf16>, tensor<8x4096xbf16> -> tensor<8x4096xbf16>
  %n = fused.rmsnorm %s weight(%g : tensor<4096xbf16>) : tensor<8x4096xbf16>
  return %n : tensor<8x4096xbf16>
}
func.func @add_ln_streamed(%a: tensor<3x40000xf32>, %b: tensor<3x40000xf32>) -> (tensor<3x40000xf32>, tensor<3x40000xf32>) {
  %s = fused.add %a, %b : tensor<3x40000xf32>, tensor<3x40000xf32> -> tensor<3x40000xf32>
  %n = fused.layernorm %s : tensor<3x40000xf32>
  %t = fused.mul %s, %n : tensor<3x40000xf32>, tensor<3x40000xf32> -> tensor<3x40000xf32>
  return %t, %s : tensor<3x40000xf32>, tensor<3x40000xf32>
}
