/// Row-wise kernels (softmax over the last axis, layernorm, rmsnorm, with
/// and without affine parameters) against the float64 reference with fresh
/// random inputs each run (the seed is printed): f16, bf16 and f32; row
/// lengths from 1 to 256k, odd ones (scalar accesses) and vocabulary sizes
/// (50257, 128256); rows held in registers and rows streamed twice; 3-D
/// inputs. The emulator runs the generated kernels thread by thread.
// RUN: fused-compile --run --device=emulator --check --seed=0 --chip=sm_80 %s | FileCheck %s

// CHECK: @sm_f16_3d result 0: relative error {{.*}} PASS
func.func @sm_f16_3d(%x: tensor<6x7x768xf16>) -> tensor<6x7x768xf16> {
  %y = fused.softmax %x axis = -1 : tensor<6x7x768xf16>
  return %y : tensor<6x7x768xf16>
}

// CHECK: @sm_bf16_1000 result 0: relative error {{.*}} PASS
func.func @sm_bf16_1000(%x: tensor<5x1000xbf16>) -> tensor<5x1000xbf16> {
  %y = fused.softmax %x axis = 1 : tensor<5x1000xbf16>
  return %y : tensor<5x1000xbf16>
}

// CHECK: @sm_f32_one result 0: relative error {{.*}} PASS
func.func @sm_f32_one(%x: tensor<4x1xf32>) -> tensor<4x1xf32> {
  %y = fused.softmax %x axis = -1 : tensor<4x1xf32>
  return %y : tensor<4x1xf32>
}

// CHECK: @sm_f32_33 result 0: relative error {{.*}} PASS
func.func @sm_f32_33(%x: tensor<3x33xf32>) -> tensor<3x33xf32> {
  %y = fused.softmax %x axis = -1 : tensor<3x33xf32>
  return %y : tensor<3x33xf32>
}

// CHECK: @sm_f16_vocab result 0: relative error {{.*}} PASS
func.func @sm_f16_vocab(%x: tensor<2x50257xf16>) -> tensor<2x50257xf16> {
  %y = fused.softmax %x axis = -1 : tensor<2x50257xf16>
  return %y : tensor<2x50257xf16>
}

// CHECK: @sm_bf16_llama_vocab result 0: relative error {{.*}} PASS
func.func @sm_bf16_llama_vocab(%x: tensor<1x128256xbf16>) -> tensor<1x128256xbf16> {
  %y = fused.softmax %x axis = -1 : tensor<1x128256xbf16>
  return %y : tensor<1x128256xbf16>
}

// CHECK: @sm_f32_256k result 0: relative error {{.*}} PASS
func.func @sm_f32_256k(%x: tensor<1x262144xf32>) -> tensor<1x262144xf32> {
  %y = fused.softmax %x axis = -1 : tensor<1x262144xf32>
  return %y : tensor<1x262144xf32>
}

// CHECK: @ln_f16_plain result 0: relative error {{.*}} PASS
func.func @ln_f16_plain(%x: tensor<4x64xf16>) -> tensor<4x64xf16> {
  %y = fused.layernorm %x : tensor<4x64xf16>
  return %y : tensor<4x64xf16>
}

// CHECK: @ln_bf16_affine_f32 result 0: relative error {{.*}} PASS
func.func @ln_bf16_affine_f32(%x: tensor<5x1000xbf16>, %g: tensor<1000xf32>, %b: tensor<1000xf32>) -> tensor<5x1000xbf16> {
  %y = fused.layernorm %x weight(%g : tensor<1000xf32>) bias(%b : tensor<1000xf32>) {epsilon = 1.0e-05 : f64} : tensor<5x1000xbf16>
  return %y : tensor<5x1000xbf16>
}

// CHECK: @ln_f32_weight_odd result 0: relative error {{.*}} PASS
func.func @ln_f32_weight_odd(%x: tensor<3x4099xf32>, %g: tensor<4099xf32>) -> tensor<3x4099xf32> {
  %y = fused.layernorm %x weight(%g : tensor<4099xf32>) : tensor<3x4099xf32>
  return %y : tensor<3x4099xf32>
}

// CHECK: @ln_f16_long_affine result 0: relative error {{.*}} PASS
func.func @ln_f16_long_affine(%x: tensor<2x40000xf16>, %g: tensor<40000xf16>, %b: tensor<40000xf16>) -> tensor<2x40000xf16> {
  %y = fused.layernorm %x weight(%g : tensor<40000xf16>) bias(%b : tensor<40000xf16>) : tensor<2x40000xf16>
  return %y : tensor<2x40000xf16>
}

// CHECK: @rms_bf16_llama result 0: relative error {{.*}} PASS
func.func @rms_bf16_llama(%x: tensor<16x4096xbf16>, %g: tensor<4096xbf16>) -> tensor<16x4096xbf16> {
  %y = fused.rmsnorm %x weight(%g : tensor<4096xbf16>) {epsilon = 1.0e-06 : f64} : tensor<16x4096xbf16>
  return %y : tensor<16x4096xbf16>
}

// CHECK: @rms_f32_plain_odd result 0: relative error {{.*}} PASS
func.func @rms_f32_plain_odd(%x: tensor<3x4099xf32>) -> tensor<3x4099xf32> {
  %y = fused.rmsnorm %x : tensor<3x4099xf32>
  return %y : tensor<3x4099xf32>
}

// CHECK: @rms_f16_long result 0: relative error {{.*}} PASS
func.func @rms_f16_long(%x: tensor<2x65536xf16>, %g: tensor<65536xf16>) -> tensor<2x65536xf16> {
  %y = fused.rmsnorm %x weight(%g : tensor<65536xf16>) : tensor<2x65536xf16>
  return %y : tensor<2x65536xf16>
}

/// Many rows with affine parameters: each block normalises several rows in
/// turn with the parameters loaded once (1001 rows: the last block has
/// fewer).
// CHECK: @ln_many_rows result 0: relative error {{.*}} PASS
func.func @ln_many_rows(%x: tensor<2000x64xf16>, %g: tensor<64xf16>, %b: tensor<64xf16>) -> tensor<2000x64xf16> {
  %y = fused.layernorm %x weight(%g : tensor<64xf16>) bias(%b : tensor<64xf16>) : tensor<2000x64xf16>
  return %y : tensor<2000x64xf16>
}

// CHECK: @rms_many_rows_odd result 0: relative error {{.*}} PASS
func.func @rms_many_rows_odd(%x: tensor<1001x4096xbf16>, %g: tensor<4096xf32>) -> tensor<1001x4096xbf16> {
  %y = fused.rmsnorm %x weight(%g : tensor<4096xf32>) : tensor<1001x4096xbf16>
  return %y : tensor<1001x4096xbf16>
}

/// Rows of one warp, eight warps per block sharing the parameters through
/// shared memory: 45 rows, so the second block's warps get one or two.
// CHECK: @ln_warps_odd_rows result 0: relative error {{.*}} PASS
func.func @ln_warps_odd_rows(%x: tensor<45x200xf16>, %g: tensor<200xf16>, %b: tensor<200xbf16>) -> tensor<45x200xf16> {
  %y = fused.layernorm %x weight(%g : tensor<200xf16>) bias(%b : tensor<200xbf16>) : tensor<45x200xf16>
  return %y : tensor<45x200xf16>
}

/// Rows of 512 threads in registers: the weight is staged in shared memory
/// once per block and read from there for each row.
// CHECK: @rms_long_rows_staged_weight result 0: relative error {{.*}} PASS
func.func @rms_long_rows_staged_weight(%x: tensor<37x16384xbf16>, %g: tensor<16384xf32>) -> tensor<37x16384xbf16> {
  %y = fused.rmsnorm %x weight(%g : tensor<16384xf32>) : tensor<37x16384xbf16>
  return %y : tensor<37x16384xbf16>
}

/// Rows that are not whole 16-byte chunks with affine parameters: head,
/// tail and 16-byte windows, the parameters staged in shared memory by
/// planes (each row's windows start at its own offset): in registers,
/// rows of one warp, f32 parameters beside bf16 rows, f16 ones beside f32
/// rows, and a streamed row with its weight beside it.
// CHECK: @ln_f16_odd_affine result 0: relative error {{.*}} PASS
func.func @ln_f16_odd_affine(%x: tensor<13x4099xf16>, %g: tensor<4099xf16>, %b: tensor<4099xf16>) -> tensor<13x4099xf16> {
  %y = fused.layernorm %x weight(%g : tensor<4099xf16>) bias(%b : tensor<4099xf16>) : tensor<13x4099xf16>
  return %y : tensor<13x4099xf16>
}
// CHECK: @ln_f16_odd_warp_rows result 0: relative error {{.*}} PASS
func.func @ln_f16_odd_warp_rows(%x: tensor<300x63xf16>, %g: tensor<63xf16>, %b: tensor<63xf16>) -> tensor<300x63xf16> {
  %y = fused.layernorm %x weight(%g : tensor<63xf16>) bias(%b : tensor<63xf16>) : tensor<300x63xf16>
  return %y : tensor<300x63xf16>
}
// CHECK: @rms_bf16_odd_f32_weight result 0: relative error {{.*}} PASS
func.func @rms_bf16_odd_f32_weight(%x: tensor<37x1001xbf16>, %g: tensor<1001xf32>) -> tensor<37x1001xbf16> {
  %y = fused.rmsnorm %x weight(%g : tensor<1001xf32>) : tensor<37x1001xbf16>
  return %y : tensor<37x1001xbf16>
}
// CHECK: @ln_f32_odd_f16_params result 0: relative error {{.*}} PASS
func.func @ln_f32_odd_f16_params(%x: tensor<5x777xf32>, %g: tensor<777xf16>, %b: tensor<777xf16>) -> tensor<5x777xf32> {
  %y = fused.layernorm %x weight(%g : tensor<777xf16>) bias(%b : tensor<777xf16>) : tensor<5x777xf32>
  return %y : tensor<5x777xf32>
}
// CHECK: @rms_bf16_odd_streamed_weight result 0: relative error {{.*}} PASS
func.func @rms_bf16_odd_streamed_weight(%x: tensor<2x33333xbf16>, %g: tensor<33333xbf16>) -> tensor<2x33333xbf16> {
  %y = fused.rmsnorm %x weight(%g : tensor<33333xbf16>) : tensor<2x33333xbf16>
  return %y : tensor<2x33333xbf16>
}
