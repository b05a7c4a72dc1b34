/// The GEMM shape matrix (plus transposed A), f16 operands, against the
/// float64 reference with fresh random inputs each run (the seed is
/// printed); relative error <= 2e-3, NaN fails. Twice: the host path (fused,
/// tiled IR through the ExecutionEngine) and the emulator running the
/// generated GPU kernels thread by thread (any out-of-bounds access,
/// shared-memory race or uninitialised read fails the launch), for sm_80
/// (mma.sync) and sm_90a (TMA and wgmma where the shape allows,
/// hopper-gemm.mlir).
// RUN: fused-compile --check-host --seed=0 %s | FileCheck %s
// RUN: fused-compile --run --device=emulator --check --seed=0 %s | FileCheck %s
// RUN: fused-compile --run --device=emulator --check --seed=0 --chip=sm_90a %s | FileCheck %s

// CHECK: @sq128_plain result 0: relative error {{.*}} PASS
func.func @sq128_plain(%a: tensor<128x64xf16>, %b: tensor<64x128xf16>) -> tensor<128x128xf32> {
  %c = fused.matmul %a, %b : tensor<128x64xf16>, tensor<64x128xf16> -> tensor<128x128xf32>
  return %c : tensor<128x128xf32>
}

// CHECK: @sq128_bias_gelu result 0: relative error {{.*}} PASS
func.func @sq128_bias_gelu(%a: tensor<128x64xf16>, %b: tensor<64x128xf16>, %bias: tensor<128xf32>) -> tensor<128x128xf16> {
  %c = fused.matmul %a, %b : tensor<128x64xf16>, tensor<64x128xf16> -> tensor<128x128xf32>
  %d = fused.add %c, %bias : tensor<128x128xf32>, tensor<128xf32> -> tensor<128x128xf32>
  %e = fused.gelu tanh %d : tensor<128x128xf32>
  %f = fused.cast %e : tensor<128x128xf32> to tensor<128x128xf16>
  return %f : tensor<128x128xf16>
}

// CHECK: @sq512_plain result 0: relative error {{.*}} PASS
func.func @sq512_plain(%a: tensor<512x512xf16>, %b: tensor<512x512xf16>) -> tensor<512x512xf32> {
  %c = fused.matmul %a, %b : tensor<512x512xf16>, tensor<512x512xf16> -> tensor<512x512xf32>
  return %c : tensor<512x512xf32>
}

// CHECK: @sq512_bias_gelu result 0: relative error {{.*}} PASS
func.func @sq512_bias_gelu(%a: tensor<512x512xf16>, %b: tensor<512x512xf16>, %bias: tensor<512xf32>) -> tensor<512x512xf16> {
  %c = fused.matmul %a, %b : tensor<512x512xf16>, tensor<512x512xf16> -> tensor<512x512xf32>
  %d = fused.add %c, %bias : tensor<512x512xf32>, tensor<512xf32> -> tensor<512x512xf32>
  %e = fused.gelu tanh %d : tensor<512x512xf32>
  %f = fused.cast %e : tensor<512x512xf32> to tensor<512x512xf16>
  return %f : tensor<512x512xf16>
}

// CHECK: @odd_plain result 0: relative error {{.*}} PASS
func.func @odd_plain(%a: tensor<77x200xf16>, %b: tensor<200x129xf16>) -> tensor<77x129xf32> {
  %c = fused.matmul %a, %b : tensor<77x200xf16>, tensor<200x129xf16> -> tensor<77x129xf32>
  return %c : tensor<77x129xf32>
}

// CHECK: @odd_bias_gelu result 0: relative error {{.*}} PASS
func.func @odd_bias_gelu(%a: tensor<77x200xf16>, %b: tensor<200x129xf16>, %bias: tensor<129xf32>) -> tensor<77x129xf16> {
  %c = fused.matmul %a, %b : tensor<77x200xf16>, tensor<200x129xf16> -> tensor<77x129xf32>
  %d = fused.add %c, %bias : tensor<77x129xf32>, tensor<129xf32> -> tensor<77x129xf32>
  %e = fused.gelu tanh %d : tensor<77x129xf32>
  %f = fused.cast %e : tensor<77x129xf32> to tensor<77x129xf16>
  return %f : tensor<77x129xf16>
}

// CHECK: @gemv_plain result 0: relative error {{.*}} PASS
func.func @gemv_plain(%a: tensor<1x512xf16>, %b: tensor<512x4096xf16>) -> tensor<1x4096xf32> {
  %c = fused.matmul %a, %b : tensor<1x512xf16>, tensor<512x4096xf16> -> tensor<1x4096xf32>
  return %c : tensor<1x4096xf32>
}

// CHECK: @gemv_bias_gelu result 0: relative error {{.*}} PASS
func.func @gemv_bias_gelu(%a: tensor<1x512xf16>, %b: tensor<512x4096xf16>, %bias: tensor<4096xf32>) -> tensor<1x4096xf16> {
  %c = fused.matmul %a, %b : tensor<1x512xf16>, tensor<512x4096xf16> -> tensor<1x4096xf32>
  %d = fused.add %c, %bias : tensor<1x4096xf32>, tensor<4096xf32> -> tensor<1x4096xf32>
  %e = fused.gelu tanh %d : tensor<1x4096xf32>
  %f = fused.cast %e : tensor<1x4096xf32> to tensor<1x4096xf16>
  return %f : tensor<1x4096xf16>
}

// CHECK: @big1000_plain result 0: relative error {{.*}} PASS
func.func @big1000_plain(%a: tensor<1000x1000xf16>, %b: tensor<1000x1000xf16>) -> tensor<1000x1000xf32> {
  %c = fused.matmul %a, %b : tensor<1000x1000xf16>, tensor<1000x1000xf16> -> tensor<1000x1000xf32>
  return %c : tensor<1000x1000xf32>
}

// CHECK: @big1000_bias_gelu result 0: relative error {{.*}} PASS
func.func @big1000_bias_gelu(%a: tensor<1000x1000xf16>, %b: tensor<1000x1000xf16>, %bias: tensor<1000xf32>) -> tensor<1000x1000xf16> {
  %c = fused.matmul %a, %b : tensor<1000x1000xf16>, tensor<1000x1000xf16> -> tensor<1000x1000xf32>
  %d = fused.add %c, %bias : tensor<1000x1000xf32>, tensor<1000xf32> -> tensor<1000x1000xf32>
  %e = fused.gelu tanh %d : tensor<1000x1000xf32>
  %f = fused.cast %e : tensor<1000x1000xf32> to tensor<1000x1000xf16>
  return %f : tensor<1000x1000xf16>
}

// CHECK: @batch3_bcast_b_plain result 0: relative error {{.*}} PASS
func.func @batch3_bcast_b_plain(%a: tensor<3x128x72xf16>, %b: tensor<72x96xf16>) -> tensor<3x128x96xf32> {
  %c = fused.matmul %a, %b : tensor<3x128x72xf16>, tensor<72x96xf16> -> tensor<3x128x96xf32>
  return %c : tensor<3x128x96xf32>
}

// CHECK: @batch3_bcast_b_bias_gelu result 0: relative error {{.*}} PASS
func.func @batch3_bcast_b_bias_gelu(%a: tensor<3x128x72xf16>, %b: tensor<72x96xf16>, %bias: tensor<96xf32>) -> tensor<3x128x96xf16> {
  %c = fused.matmul %a, %b : tensor<3x128x72xf16>, tensor<72x96xf16> -> tensor<3x128x96xf32>
  %d = fused.add %c, %bias : tensor<3x128x96xf32>, tensor<96xf32> -> tensor<3x128x96xf32>
  %e = fused.gelu tanh %d : tensor<3x128x96xf32>
  %f = fused.cast %e : tensor<3x128x96xf32> to tensor<3x128x96xf16>
  return %f : tensor<3x128x96xf16>
}

// CHECK: @trans_b_plain result 0: relative error {{.*}} PASS
func.func @trans_b_plain(%a: tensor<200x120xf16>, %b: tensor<136x120xf16>) -> tensor<200x136xf32> {
  %c = fused.matmul %a, %b {transpose_b} : tensor<200x120xf16>, tensor<136x120xf16> -> tensor<200x136xf32>
  return %c : tensor<200x136xf32>
}

// CHECK: @trans_b_bias_gelu result 0: relative error {{.*}} PASS
func.func @trans_b_bias_gelu(%a: tensor<200x120xf16>, %b: tensor<136x120xf16>, %bias: tensor<136xf32>) -> tensor<200x136xf16> {
  %c = fused.matmul %a, %b {transpose_b} : tensor<200x120xf16>, tensor<136x120xf16> -> tensor<200x136xf32>
  %d = fused.add %c, %bias : tensor<200x136xf32>, tensor<136xf32> -> tensor<200x136xf32>
  %e = fused.gelu tanh %d : tensor<200x136xf32>
  %f = fused.cast %e : tensor<200x136xf32> to tensor<200x136xf16>
  return %f : tensor<200x136xf16>
}

// CHECK: @trans_a_plain result 0: relative error {{.*}} PASS
func.func @trans_a_plain(%a: tensor<120x136xf16>, %b: tensor<120x88xf16>) -> tensor<136x88xf32> {
  %c = fused.matmul %a, %b {transpose_a} : tensor<120x136xf16>, tensor<120x88xf16> -> tensor<136x88xf32>
  return %c : tensor<136x88xf32>
}

// CHECK: @trans_a_bias_gelu result 0: relative error {{.*}} PASS
func.func @trans_a_bias_gelu(%a: tensor<120x136xf16>, %b: tensor<120x88xf16>, %bias: tensor<88xf32>) -> tensor<136x88xf16> {
  %c = fused.matmul %a, %b {transpose_a} : tensor<120x136xf16>, tensor<120x88xf16> -> tensor<136x88xf32>
  %d = fused.add %c, %bias : tensor<136x88xf32>, tensor<88xf32> -> tensor<136x88xf32>
  %e = fused.gelu tanh %d : tensor<136x88xf32>
  %f = fused.cast %e : tensor<136x88xf32> to tensor<136x88xf16>
  return %f : tensor<136x88xf16>
}

