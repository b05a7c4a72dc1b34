// RUN: fused-opt %s -split-input-file -fused-fuse -fused-tile -fused-promote-shared -verify-diagnostics | FileCheck %s

/// Three stages: two rings of 3 shared-memory tiles, a prologue of two
/// commit groups, and a loop that waits for one pending group, prefetches
/// K tile kt+2 into stage (kt+2) % 3 and computes on stage kt % 3 with
/// full (zero-padded) tiles.
// CHECK-LABEL: func.func private @three_stages_gemm
// CHECK-SAME: fused.promoted
// CHECK: scf.forall
// CHECK: %[[ACC:.*]] = memref.alloca() : memref<64x64xf32>
// CHECK: %[[RA:.*]] = memref.alloc() {fused.swizzle = #fused<swizzle xor16>} : memref<3x64x32xf16, #gpu.address_space<workgroup>>
// CHECK: %[[RB:.*]] = memref.alloc() {fused.swizzle = #fused<swizzle xor16>} : memref<3x32x64xf16, #gpu.address_space<workgroup>>
// CHECK: fused.copy_tile %{{.*}}, %{{.*}} : memref<{{.*}}xf16{{.*}}>, memref<64x32xf16, strided<[32, 1]>, #gpu.address_space<workgroup>>
// CHECK: fused.copy_tile
// CHECK-NEXT: fused.async_commit
// CHECK: fused.copy_tile
// CHECK: fused.copy_tile
// CHECK-NEXT: fused.async_commit
// CHECK-NEXT: scf.for %[[KT:.*]] =
// CHECK-NEXT: fused.async_wait pending = 1
// CHECK-NEXT: %[[C2:.*]] = arith.constant 2 : index
// CHECK-NEXT: %[[NEXT:.*]] = arith.addi %[[KT]], %[[C2]]
// CHECK-NEXT: %[[IN:.*]] = arith.cmpi slt, %[[NEXT]]
// CHECK-NEXT: scf.if %[[IN]] {
// CHECK-NEXT: %[[C3:.*]] = arith.constant 3 : index
// CHECK-NEXT: %[[SN:.*]] = arith.remui %[[NEXT]], %[[C3]]
// CHECK: memref.subview %[[RA]][%[[SN]], 0, 0] [1, 64, 32]
// CHECK: fused.copy_tile
// CHECK: memref.subview %[[RB]][%[[SN]], 0, 0] [1, 32, 64]
// CHECK: fused.copy_tile
// CHECK: }
// CHECK-NEXT: fused.async_commit
// CHECK-NEXT: %[[C3B:.*]] = arith.constant 3 : index
// CHECK-NEXT: %[[S:.*]] = arith.remui %[[KT]], %[[C3B]]
// CHECK: memref.subview %[[RA]][%[[S]], 0, 0] [1, 64, 32]
// CHECK: memref.subview %[[RB]][%[[S]], 0, 0] [1, 32, 64]
// CHECK: scf.forall
// CHECK: memref.subview %{{.*}}[%{{.*}}, 0] [32, 32] [1, 1] : memref<64x32xf16, strided<[32, 1], offset: ?>, #gpu.address_space<workgroup>>
// CHECK: memref.subview %{{.*}}[0, %{{.*}}] [32, 32] [1, 1] : memref<32x64xf16, strided<[64, 1], offset: ?>, #gpu.address_space<workgroup>>
// CHECK: memref.subview %[[ACC]][%{{.*}}, %{{.*}}] [32, 32] [1, 1]
// CHECK: linalg.generic
// CHECK-SAME: fused.role = #fused<role mma>
// CHECK: fused.async_wait pending = 0
// CHECK: linalg.generic
// CHECK-SAME: fused.role = #fused<role epilogue>
// CHECK: memref.dealloc %[[RA]]
// CHECK-NEXT: memref.dealloc %[[RB]]
func.func @three_stages(%a: tensor<100x200xf16>, %b: tensor<200x90xf16>) -> tensor<100x90xf32> {
  %c = fused.matmul %a, %b {fused.config = #fused.gemm_config<block = [64, 64, 32], warps = [2, 2], stages = 3>} : tensor<100x200xf16>, tensor<200x90xf16> -> tensor<100x90xf32>
  return %c : tensor<100x90xf32>
}

// -----

/// Transposed B is staged as it is stored: [block_n, block_k] tiles.
// CHECK-LABEL: func.func private @transposed_b_gemm
// CHECK: memref.alloc() {fused.swizzle = #fused<swizzle xor16>} : memref<2x32x32xbf16, #gpu.address_space<workgroup>>
// CHECK: memref.alloc() {fused.swizzle = #fused<swizzle xor16>} : memref<2x64x32xbf16, #gpu.address_space<workgroup>>
func.func @transposed_b(%a: tensor<32x64xbf16>, %b: tensor<48x64xbf16>) -> tensor<32x48xf32> {
  %c = fused.matmul %a, %b {transpose_b, fused.config = #fused.gemm_config<block = [32, 64, 32], warps = [1, 2], stages = 2>} : tensor<32x64xbf16>, tensor<48x64xbf16> -> tensor<32x48xf32>
  return %c : tensor<32x48xf32>
}

// -----

/// One stage: copy, commit and wait inside each iteration, no prologue.
// CHECK-LABEL: func.func private @one_stage_gemm
// CHECK: memref.alloc() {fused.swizzle = #fused<swizzle xor16>} : memref<1x32x32xf16, #gpu.address_space<workgroup>>
// CHECK-NOT: fused.async_commit
// CHECK: scf.for
// CHECK: fused.copy_tile
// CHECK: fused.copy_tile
// CHECK-NEXT: fused.async_commit
// CHECK-NEXT: fused.async_wait pending = 0
func.func @one_stage(%a: tensor<32x64xf16>, %b: tensor<64x32xf16>) -> tensor<32x32xf32> {
  %c = fused.matmul %a, %b {fused.config = #fused.gemm_config<block = [32, 32, 32], warps = [1, 1], stages = 1>} : tensor<32x64xf16>, tensor<64x32xf16> -> tensor<32x32xf32>
  return %c : tensor<32x32xf32>
}

// -----

/// A dynamic K: the number of K tiles is a value, so each prologue copy is
/// guarded by whether its tile exists (K may be one tile or none), and the
/// loop's prefetch compares with the same value.
// CHECK-LABEL: func.func private @dynamic_k_gemm
// CHECK: %[[K:.*]] = memref.dim %arg0, %c1
// CHECK: %[[NK:.*]] = arith.divui %{{.*}}, %c32
// CHECK: %[[P0:.*]] = arith.cmpi slt, %{{.*}}, %[[NK]]
// CHECK-NEXT: scf.if %[[P0]] {
// CHECK: fused.copy_tile
// CHECK: fused.copy_tile
// CHECK: }
// CHECK-NEXT: fused.async_commit
// CHECK: %[[P1:.*]] = arith.cmpi slt, %{{.*}}, %[[NK]]
// CHECK-NEXT: scf.if %[[P1]] {
// CHECK: }
// CHECK-NEXT: fused.async_commit
// CHECK-NEXT: scf.for %[[KT:.*]] = %{{.*}} to %[[NK]]
// CHECK-NEXT: fused.async_wait pending = 1
// CHECK: %[[NEXT:.*]] = arith.addi %[[KT]]
// CHECK-NEXT: %[[IN:.*]] = arith.cmpi slt, %[[NEXT]], %[[NK]]
// CHECK-NEXT: scf.if %[[IN]] {
func.func @dynamic_k(%a: tensor<64x?xf16>, %b: tensor<?x64xf16>) -> tensor<64x64xf32> {
  %c = fused.matmul %a, %b {fused.config = #fused.gemm_config<block = [64, 64, 32], warps = [2, 2], stages = 3>} : tensor<64x?xf16>, tensor<?x64xf16> -> tensor<64x64xf32>
  return %c : tensor<64x64xf32>
}

// -----

/// A function that is not a tiled GEMM kernel is left alone.
// CHECK-LABEL: func.func @negative_not_a_kernel
// CHECK-NOT: fused.copy_tile
func.func @negative_not_a_kernel(%x: memref<4xf32>) {
  return
}

// -----

/// A function that claims to be a GEMM kernel but is not one is an error.
// expected-error @+1 {{'func.func' op GEMM kernel has no fused.gemm_config}}
func.func private @fake_kernel(%x: memref<4xf32>) attributes {fused.kernel_kind = #fused<kernel_kind gemm>} {
  return
}

// -----

// expected-error @+1 {{'func.func' op is not a fused-tile GEMM kernel: no contraction with fused.role = #fused<role mma>}}
func.func private @fake_kernel2(%x: memref<4xf32>) attributes {fused.kernel_kind = #fused<kernel_kind gemm>, fused.gemm_config = #fused.gemm_config<block = [32, 32, 32], warps = [1, 1], stages = 1>} {
  return
}
