/// Emulator counters of attention with Sq = Skv = 1024, D = 64, one head
/// (BM = BN = 64): global bytes written are exactly O (131072) plus LSE
/// (4096), so S and P never reach global memory; global bytes read are
/// exactly Q + (K + V) * ceil(Sq / BM) = 131072 + 262144 * 16; stores and
/// loads are coalesced; no shared-memory bank conflicts; the causal run
/// issues 17/32 of the tensor-core operations (tiles above the diagonal are
/// skipped).
// RUN: fused-compile --run --device=emulator --check --counters %s | FileCheck %s

// CHECK-LABEL: @full full_attention counters:
// CHECK: global loads: {{[0-9]+}} requests, [[L:[0-9]+]] sectors (ideal [[L]], excess 0)
// CHECK-NEXT: global stores: {{[0-9]+}} requests, [[S:[0-9]+]] sectors (ideal [[S]], excess 0)
// CHECK-NEXT: global bytes read (sectors x 32): 4325376
// CHECK-NEXT: global bytes written (sectors x 32): 135168
// CHECK-NEXT: unique global bytes read: 393216
// CHECK-NEXT: unique global bytes written: 135168
// CHECK-NEXT: shared loads: {{[0-9]+}} requests, [[SL:[0-9]+]] wavefronts (ideal [[SL]], excess 0)
// CHECK-NEXT: shared stores: {{[0-9]+}} requests, [[SS:[0-9]+]] wavefronts (ideal [[SS]], excess 0)
// CHECK-NEXT: ldmatrix: {{[0-9]+}} requests, [[LD:[0-9]+]] wavefronts (ideal [[LD]], excess 0)
// CHECK-NEXT: cp.async shared writes: {{[0-9]+}} requests, [[CP:[0-9]+]] wavefronts (ideal [[CP]], excess 0)
// CHECK-NEXT: cp.async bytes: 4325376
// CHECK-NEXT: mma.sync: 65536
// CHECK: @full result 0: relative error {{.*}} PASS
// CHECK: @full result 1: relative error {{.*}} PASS

// CHECK-LABEL: @causal causal_attention counters:
// CHECK: global bytes written (sectors x 32): 135168
// CHECK: ldmatrix: {{[0-9]+}} requests, [[LD2:[0-9]+]] wavefronts (ideal [[LD2]], excess 0)
// CHECK-NEXT: cp.async shared writes: {{[0-9]+}} requests, [[CP2:[0-9]+]] wavefronts (ideal [[CP2]], excess 0)
// CHECK: mma.sync: 34816
// CHECK: @causal result 0: relative error {{.*}} PASS

func.func @full(%q: tensor<1x1x1024x64xf16>, %k: tensor<1x1x1024x64xf16>, %v: tensor<1x1x1024x64xf16>) -> (tensor<1x1x1024x64xf16>, tensor<1x1x1024xf32>) {
  %o, %l = fused.attention %q, %k, %v : tensor<1x1x1024x64xf16>, tensor<1x1x1024x64xf16>, tensor<1x1x1024x64xf16> -> tensor<1x1x1024x64xf16>, tensor<1x1x1024xf32>
  return %o, %l : tensor<1x1x1024x64xf16>, tensor<1x1x1024xf32>
}

func.func @causal(%q: tensor<1x1x1024x64xf16>, %k: tensor<1x1x1024x64xf16>, %v: tensor<1x1x1024x64xf16>) -> (tensor<1x1x1024x64xf16>, tensor<1x1x1024xf32>) {
  %o, %l = fused.attention %q, %k, %v {causal} : tensor<1x1x1024x64xf16>, tensor<1x1x1024x64xf16>, tensor<1x1x1024x64xf16> -> tensor<1x1x1024x64xf16>, tensor<1x1x1024xf32>
  return %o, %l : tensor<1x1x1024x64xf16>, tensor<1x1x1024xf32>
}
