/// The GEMM shape matrix (plus transposed A and B) with f32 operands, run
/// on bf16 tensor cores with each element split into three bf16 parts,
/// against the float64 reference with fresh random inputs each run (the
/// seed is printed): f32 results within f32's tolerance (1e-5 relative),
/// the bias + GELU ones cast to bf16 within bf16's. Twice: the host path
/// (fused, tiled IR through the ExecutionEngine) and the emulator running
/// the generated GPU kernels thread by thread.
// RUN: fused-compile --check-host --seed=0 %s | FileCheck %s
// RUN: fused-compile --run --device=emulator --check --seed=0 %s | FileCheck %s
// What the emulator executes agrees with the PTX, and ptxas spills nothing.
// RUN: fused-compile --cross-check-ptx --chip=sm_80 %s | FileCheck %s --check-prefix=XCHECK
// RUN: fused-compile --cross-check-ptx --chip=sm_90 %s | FileCheck %s --check-prefix=XCHECK
// RUN: fused-compile --emit=cubin --print-stats --chip=sm_80 %s -o %t.sm80.cubin | FileCheck %s --check-prefix=PTXAS
// RUN: fused-compile --emit=cubin --print-stats --chip=sm_90 %s -o %t.sm90.cubin | FileCheck %s --check-prefix=PTXAS
// The 512^3 GEMM's counters: 16-byte cp.async of the f32 tiles (A and B
// each read 4 times: 8 MiB), no bank conflicts on the copies or the
// fragment reads (pairs and single elements), six mma.sync per f16 one.
// RUN: fused-compile --run --device=emulator --check --counters --entry=sq512_plain %s | FileCheck %s --check-prefix=COUNTERS
// COUNTERS: global loads: {{[0-9]+}} requests, [[LOADS:[0-9]+]] sectors (ideal [[LOADS]], excess 0)
// COUNTERS-NEXT: global stores: {{[0-9]+}} requests, [[STORES:[0-9]+]] sectors (ideal [[STORES]], excess 0)
// COUNTERS: shared loads: {{[0-9]+}} requests, [[SL:[0-9]+]] wavefronts (ideal [[SL]], excess 0)
// COUNTERS-NEXT: shared stores: {{[0-9]+}} requests, [[SS:[0-9]+]] wavefronts (ideal [[SS]], excess 0)
// COUNTERS: cp.async shared writes: {{[0-9]+}} requests, [[CPA:[0-9]+]] wavefronts (ideal [[CPA]], excess 0)
// COUNTERS-NEXT: cp.async bytes: 8388608
// COUNTERS-NEXT: mma.sync: 393216
// COUNTERS: shared load requests by width: 1B 0, 2B 0, 4B 65536, 8B 65536, 16B 2048
// COUNTERS: @sq512_plain result 0: relative error {{.*}} PASS
// XCHECK: the emulator and the PTX agree
// PTXAS: kernel {{.*}} spill-s spill-l
// PTXAS-NOT: {{^[a-z0-9_]+ +[0-9]+ +[1-9]}}
// PTXAS-NOT: {{^[a-z0-9_]+ +[0-9]+ +[0-9]+ +[1-9]}}

// CHECK: @sq128_plain result 0: relative error {{.*}} PASS
func.func @sq128_plain(%a: tensor<128x64xf32>, %b: tensor<64x128xf32>) -> tensor<128x128xf32> {
  %c = fused.matmul %a, %b : tensor<128x64xf32>, tensor<64x128xf32> -> tensor<128x128xf32>
  return %c : tensor<128x128xf32>
}

// CHECK: @sq128_bias_gelu result 0: relative error {{.*}} PASS
func.func @sq128_bias_gelu(%a: tensor<128x64xf32>, %b: tensor<64x128xf32>, %bias: tensor<128xf32>) -> tensor<128x128xbf16> {
  %c = fused.matmul %a, %b : tensor<128x64xf32>, tensor<64x128xf32> -> tensor<128x128xf32>
  %d = fused.add %c, %bias : tensor<128x128xf32>, tensor<128xf32> -> tensor<128x128xf32>
  %e = fused.gelu tanh %d : tensor<128x128xf32>
  %f = fused.cast %e : tensor<128x128xf32> to tensor<128x128xbf16>
  return %f : tensor<128x128xbf16>
}

// CHECK: @sq512_plain result 0: relative error {{.*}} PASS
func.func @sq512_plain(%a: tensor<512x512xf32>, %b: tensor<512x512xf32>) -> tensor<512x512xf32> {
  %c = fused.matmul %a, %b : tensor<512x512xf32>, tensor<512x512xf32> -> tensor<512x512xf32>
  return %c : tensor<512x512xf32>
}

// CHECK: @sq512_bias_gelu result 0: relative error {{.*}} PASS
func.func @sq512_bias_gelu(%a: tensor<512x512xf32>, %b: tensor<512x512xf32>, %bias: tensor<512xf32>) -> tensor<512x512xbf16> {
  %c = fused.matmul %a, %b : tensor<512x512xf32>, tensor<512x512xf32> -> tensor<512x512xf32>
  %d = fused.add %c, %bias : tensor<512x512xf32>, tensor<512xf32> -> tensor<512x512xf32>
  %e = fused.gelu tanh %d : tensor<512x512xf32>
  %f = fused.cast %e : tensor<512x512xf32> to tensor<512x512xbf16>
  return %f : tensor<512x512xbf16>
}

// CHECK: @odd_plain result 0: relative error {{.*}} PASS
func.func @odd_plain(%a: tensor<77x200xf32>, %b: tensor<200x129xf32>) -> tensor<77x129xf32> {
  %c = fused.matmul %a, %b : tensor<77x200xf32>, tensor<200x129xf32> -> tensor<77x129xf32>
  return %c : tensor<77x129xf32>
}

// CHECK: @odd_bias_gelu result 0: relative error {{.*}} PASS
func.func @odd_bias_gelu(%a: tensor<77x200xf32>, %b: tensor<200x129xf32>, %bias: tensor<129xf32>) -> tensor<77x129xbf16> {
  %c = fused.matmul %a, %b : tensor<77x200xf32>, tensor<200x129xf32> -> tensor<77x129xf32>
  %d = fused.add %c, %bias : tensor<77x129xf32>, tensor<129xf32> -> tensor<77x129xf32>
  %e = fused.gelu tanh %d : tensor<77x129xf32>
  %f = fused.cast %e : tensor<77x129xf32> to tensor<77x129xbf16>
  return %f : tensor<77x129xbf16>
}

// CHECK: @gemv_plain result 0: relative error {{.*}} PASS
func.func @gemv_plain(%a: tensor<1x512xf32>, %b: tensor<512x4096xf32>) -> tensor<1x4096xf32> {
  %c = fused.matmul %a, %b : tensor<1x512xf32>, tensor<512x4096xf32> -> tensor<1x4096xf32>
  return %c : tensor<1x4096xf32>
}

// CHECK: @gemv_bias_gelu result 0: relative error {{.*}} PASS
func.func @gemv_bias_gelu(%a: tensor<1x512xf32>, %b: tensor<512x4096xf32>, %bias: tensor<4096xf32>) -> tensor<1x4096xbf16> {
  %c = fused.matmul %a, %b : tensor<1x512xf32>, tensor<512x4096xf32> -> tensor<1x4096xf32>
  %d = fused.add %c, %bias : tensor<1x4096xf32>, tensor<4096xf32> -> tensor<1x4096xf32>
  %e = fused.gelu tanh %d : tensor<1x4096xf32>
  %f = fused.cast %e : tensor<1x4096xf32> to tensor<1x4096xbf16>
  return %f : tensor<1x4096xbf16>
}

// CHECK: @big1000_plain result 0: relative error {{.*}} PASS
func.func @big1000_plain(%a: tensor<1000x1000xf32>, %b: tensor<1000x1000xf32>) -> tensor<1000x1000xf32> {
  %c = fused.matmul %a, %b : tensor<1000x1000xf32>, tensor<1000x1000xf32> -> tensor<1000x1000xf32>
  return %c : tensor<1000x1000xf32>
}

// CHECK: @big1000_bias_gelu result 0: relative error {{.*}} PASS
func.func @big1000_bias_gelu(%a: tensor<1000x1000xf32>, %b: tensor<1000x1000xf32>, %bias: tensor<1000xf32>) -> tensor<1000x1000xbf16> {
  %c = fused.matmul %a, %b : tensor<1000x1000xf32>, tensor<1000x1000xf32> -> tensor<1000x1000xf32>
  %d = fused.add %c, %bias : tensor<1000x1000xf32>, tensor<1000xf32> -> tensor<1000x1000xf32>
  %e = fused.gelu tanh %d : tensor<1000x1000xf32>
  %f = fused.cast %e : tensor<1000x1000xf32> to tensor<1000x1000xbf16>
  return %f : tensor<1000x1000xbf16>
}

// CHECK: @batch3_bcast_b_plain result 0: relative error {{.*}} PASS
func.func @batch3_bcast_b_plain(%a: tensor<3x128x72xf32>, %b: tensor<72x96xf32>) -> tensor<3x128x96xf32> {
  %c = fused.matmul %a, %b : tensor<3x128x72xf32>, tensor<72x96xf32> -> tensor<3x128x96xf32>
  return %c : tensor<3x128x96xf32>
}

// CHECK: @batch3_bcast_b_bias_gelu result 0: relative error {{.*}} PASS
func.func @batch3_bcast_b_bias_gelu(%a: tensor<3x128x72xf32>, %b: tensor<72x96xf32>, %bias: tensor<96xf32>) -> tensor<3x128x96xbf16> {
  %c = fused.matmul %a, %b : tensor<3x128x72xf32>, tensor<72x96xf32> -> tensor<3x128x96xf32>
  %d = fused.add %c, %bias : tensor<3x128x96xf32>, tensor<96xf32> -> tensor<3x128x96xf32>
  %e = fused.gelu tanh %d : tensor<3x128x96xf32>
  %f = fused.cast %e : tensor<3x128x96xf32> to tensor<3x128x96xbf16>
  return %f : tensor<3x128x96xbf16>
}

// CHECK: @trans_b_plain result 0: relative error {{.*}} PASS
func.func @trans_b_plain(%a: tensor<200x120xf32>, %b: tensor<136x120xf32>) -> tensor<200x136xf32> {
  %c = fused.matmul %a, %b {transpose_b} : tensor<200x120xf32>, tensor<136x120xf32> -> tensor<200x136xf32>
  return %c : tensor<200x136xf32>
}

// CHECK: @trans_b_bias_gelu result 0: relative error {{.*}} PASS
func.func @trans_b_bias_gelu(%a: tensor<200x120xf32>, %b: tensor<136x120xf32>, %bias: tensor<136xf32>) -> tensor<200x136xbf16> {
  %c = fused.matmul %a, %b {transpose_b} : tensor<200x120xf32>, tensor<136x120xf32> -> tensor<200x136xf32>
  %d = fused.add %c, %bias : tensor<200x136xf32>, tensor<136xf32> -> tensor<200x136xf32>
  %e = fused.gelu tanh %d : tensor<200x136xf32>
  %f = fused.cast %e : tensor<200x136xf32> to tensor<200x136xbf16>
  return %f : tensor<200x136xbf16>
}

// CHECK: @trans_a_plain result 0: relative error {{.*}} PASS
func.func @trans_a_plain(%a: tensor<120x136xf32>, %b: tensor<120x88xf32>) -> tensor<136x88xf32> {
  %c = fused.matmul %a, %b {transpose_a} : tensor<120x136xf32>, tensor<120x88xf32> -> tensor<136x88xf32>
  return %c : tensor<136x88xf32>
}

// CHECK: @trans_a_bias_gelu result 0: relative error {{.*}} PASS
func.func @trans_a_bias_gelu(%a: tensor<120x136xf32>, %b: tensor<120x88xf32>, %bias: tensor<88xf32>) -> tensor<136x88xbf16> {
  %c = fused.matmul %a, %b {transpose_a} : tensor<120x136xf32>, tensor<120x88xf32> -> tensor<136x88xf32>
  %d = fused.add %c, %bias : tensor<136x88xf32>, tensor<88xf32> -> tensor<136x88xf32>
  %e = fused.gelu tanh %d : tensor<136x88xf32>
  %f = fused.cast %e : tensor<136x88xf32> to tensor<136x88xbf16>
  return %f : tensor<136x88xbf16>
}

