/// Emulator counters of the 512x512x512 f16 GEMM (block 128x128x32, 8
/// warps, 4 stages): no bank conflicts on cp.async writes, ldmatrix reads
/// or the epilogue's staging stores and copy-out loads, coalesced global loads (sectors transferred = sectors requested),
/// tensor-core FLOPs = 2*M*N*K, global bytes read = the minimum for
/// 128x128 tiles (A and B each read 512/128 = 4 times: 4 MiB) and every
/// input and output byte touched once.
// RUN: fused-compile --run --device=emulator --check --counters %s | FileCheck %s

// CHECK: @gemm512 gemm512_gemm counters:
// CHECK-NEXT: blocks: 16
// CHECK-NEXT: threads: 4096
// CHECK-NEXT: global loads: {{[0-9]+}} requests, [[LOADS:[0-9]+]] sectors (ideal [[LOADS]], excess 0)
// CHECK-NEXT: global stores: {{[0-9]+}} requests, [[STORES:[0-9]+]] sectors (ideal [[STORES]], excess 0)
// CHECK-NEXT: global bytes read (sectors x 32): 4194304
// CHECK-NEXT: global bytes written (sectors x 32): 1048576
// CHECK-NEXT: unique global bytes read: 1048576
// CHECK-NEXT: unique global bytes written: 1048576
// CHECK-NEXT: shared loads: {{[0-9]+}} requests, [[SL:[0-9]+]] wavefronts (ideal [[SL]], excess 0)
// CHECK-NEXT: shared stores: {{[0-9]+}} requests, [[SS:[0-9]+]] wavefronts (ideal [[SS]], excess 0)
// CHECK-NEXT: ldmatrix: {{[0-9]+}} requests, [[LDM:[0-9]+]] wavefronts (ideal [[LDM]], excess 0)
// CHECK-NEXT: cp.async shared writes: {{[0-9]+}} requests, [[CPA:[0-9]+]] wavefronts (ideal [[CPA]], excess 0)
// CHECK-NEXT: cp.async bytes: 4194304
// CHECK-NEXT: mma.sync: 65536
// CHECK-NEXT: tensor-core FLOPs: 268435456
// CHECK: @gemm512 result 0: relative error {{.*}} PASS

func.func @gemm512(%a: tensor<512x512xf16>, %b: tensor<512x512xf16>) -> tensor<512x512xf32> {
  %c = fused.matmul %a, %b : tensor<512x512xf16>, tensor<512x512xf16> -> tensor<512x512xf32>
  return %c : tensor<512x512xf32>
}
