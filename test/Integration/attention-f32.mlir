/// Attention with f32 query, key and value (bf16 tensor cores, each
/// element split in three bf16 parts) on the emulator against the float64
/// reference: the features of attention-features.mlir (bias, causal with
/// Sq > Skv, GQA, LSE, head dims 32, 64, 96 and 256, decode) with f32
/// results within f32's tolerance (and f16 and bf16 ones), D != Dv, and
/// dynamic sequence lengths (Inputs/attention-f32-dynamic.mlir).
// RUN: fused-compile --run --device=emulator --check --seed=0 %s | FileCheck %s
// Dynamic sequence lengths: one kernel for (Sq, Skv) = (77, 130) and (1, 9).
// RUN: fused-compile --run --device=emulator --check --seed=1 --sizes=77,130 %S/Inputs/attention-f32-dynamic.mlir | FileCheck %s --check-prefix=DYN
// RUN: fused-compile --run --device=emulator --check --seed=2 --sizes=1,9 %S/Inputs/attention-f32-dynamic.mlir | FileCheck %s --check-prefix=DYN
// No bank conflicts on the copies or the fragment reads.
// RUN: fused-compile --run --device=emulator --check --counters --entry=bias %s | FileCheck %s --check-prefix=COUNTERS
// COUNTERS: shared loads: {{[0-9]+}} requests, [[SL:[0-9]+]] wavefronts (ideal [[SL]], excess 0)
// COUNTERS-NEXT: shared stores: {{[0-9]+}} requests, [[SS:[0-9]+]] wavefronts (ideal [[SS]], excess 0)
// COUNTERS: cp.async shared writes: {{[0-9]+}} requests, [[CPA:[0-9]+]] wavefronts (ideal [[CPA]], excess 0)
// COUNTERS: @bias result 0: relative error {{.*}} PASS
// What the emulator executes agrees with the PTX on both chips.
// RUN: fused-compile --cross-check-ptx --chip=sm_80 %s | FileCheck %s --check-prefix=XCHECK
// RUN: fused-compile --cross-check-ptx --chip=sm_90 %s | FileCheck %s --check-prefix=XCHECK
// XCHECK: the emulator and the PTX agree
// DYN: @dynamic result 0: relative error {{.*}} PASS
// DYN: @dynamic result 1: relative error {{.*}} PASS

// CHECK-DAG: @bias result 0: relative error {{.*}} PASS
func.func @bias(%q: tensor<1x4x70x64xf32>, %k: tensor<1x4x90x64xf32>, %v: tensor<1x4x90x64xf32>, %bias: tensor<70x90xf32>) -> (tensor<1x4x70x64xf32>) {
  %o = fused.attention %q, %k, %v bias(%bias : tensor<70x90xf32>) : tensor<1x4x70x64xf32>, tensor<1x4x90x64xf32>, tensor<1x4x90x64xf32> -> tensor<1x4x70x64xf32>
  return %o : tensor<1x4x70x64xf32>
}

// CHECK-DAG: @bias_causal_lse result 0: relative error {{.*}} PASS
// CHECK-DAG: @bias_causal_lse result 1: relative error {{.*}} PASS
func.func @bias_causal_lse(%q: tensor<1x4x70x64xf32>, %k: tensor<1x2x90x64xf32>, %v: tensor<1x2x90x64xf32>, %bias: tensor<70x90xf32>) -> (tensor<1x4x70x64xf32>, tensor<1x4x70xf32>) {
  %o, %lse = fused.attention %q, %k, %v bias(%bias : tensor<70x90xf32>) {causal} : tensor<1x4x70x64xf32>, tensor<1x2x90x64xf32>, tensor<1x2x90x64xf32> -> tensor<1x4x70x64xf32>, tensor<1x4x70xf32>
  return %o, %lse : tensor<1x4x70x64xf32>, tensor<1x4x70xf32>
}

// CHECK-DAG: @causal_sq_gt_skv result 0: relative error {{.*}} PASS
// CHECK-DAG: @causal_sq_gt_skv result 1: relative error {{.*}} PASS
func.func @causal_sq_gt_skv(%q: tensor<1x4x256x64xf32>, %k: tensor<1x4x100x64xf32>, %v: tensor<1x4x100x64xf32>) -> (tensor<1x4x256x64xf32>, tensor<1x4x256xf32>) {
  %o, %lse = fused.attention %q, %k, %v {causal} : tensor<1x4x256x64xf32>, tensor<1x4x100x64xf32>, tensor<1x4x100x64xf32> -> tensor<1x4x256x64xf32>, tensor<1x4x256xf32>
  return %o, %lse : tensor<1x4x256x64xf32>, tensor<1x4x256xf32>
}

// CHECK-DAG: @d32_f32_out result 0: relative error {{.*}} PASS
func.func @d32_f32_out(%q: tensor<1x2x50x32xf32>, %k: tensor<1x1x70x32xf32>, %v: tensor<1x1x70x32xf32>) -> (tensor<1x2x50x32xf32>) {
  %o = fused.attention %q, %k, %v {causal} : tensor<1x2x50x32xf32>, tensor<1x1x70x32xf32>, tensor<1x1x70x32xf32> -> tensor<1x2x50x32xf32>
  return %o : tensor<1x2x50x32xf32>
}

// CHECK-DAG: @d96 result 0: relative error {{.*}} PASS
func.func @d96(%q: tensor<1x2x80x96xf32>, %k: tensor<1x2x100x96xf32>, %v: tensor<1x2x100x96xf32>) -> (tensor<1x2x80x96xf32>) {
  %o = fused.attention %q, %k, %v {causal} : tensor<1x2x80x96xf32>, tensor<1x2x100x96xf32>, tensor<1x2x100x96xf32> -> tensor<1x2x80x96xf32>
  return %o : tensor<1x2x80x96xf32>
}

// CHECK-DAG: @d256 result 0: relative error {{.*}} PASS
func.func @d256(%q: tensor<1x2x40x256xf32>, %k: tensor<1x2x70x256xf32>, %v: tensor<1x2x70x256xf32>) -> (tensor<1x2x40x256xf16>) {
  %o = fused.attention %q, %k, %v : tensor<1x2x40x256xf32>, tensor<1x2x70x256xf32>, tensor<1x2x70x256xf32> -> tensor<1x2x40x256xf16>
  return %o : tensor<1x2x40x256xf16>
}

// CHECK-DAG: @decode result 0: relative error {{.*}} PASS
// CHECK-DAG: @decode result 1: relative error {{.*}} PASS
func.func @decode(%q: tensor<2x8x1x128xf32>, %k: tensor<2x1x1000x128xf32>, %v: tensor<2x1x1000x128xf32>) -> (tensor<2x8x1x128xf32>, tensor<2x8x1xf32>) {
  %o, %lse = fused.attention %q, %k, %v : tensor<2x8x1x128xf32>, tensor<2x1x1000x128xf32>, tensor<2x1x1000x128xf32> -> tensor<2x8x1x128xf32>, tensor<2x8x1xf32>
  return %o, %lse : tensor<2x8x1x128xf32>, tensor<2x8x1xf32>
}


// CHECK-DAG: @dv_differs result 0: relative error {{.*}} PASS
func.func @dv_differs(%q: tensor<1x2x45x32xf32>, %k: tensor<1x2x60x32xf32>, %v: tensor<1x2x60x64xf32>) -> (tensor<1x2x45x64xbf16>) {
  %o = fused.attention %q, %k, %v {causal} : tensor<1x2x45x32xf32>, tensor<1x2x60x32xf32>, tensor<1x2x60x64xf32> -> tensor<1x2x45x64xbf16>
  return %o : tensor<1x2x45x64xbf16>
}
