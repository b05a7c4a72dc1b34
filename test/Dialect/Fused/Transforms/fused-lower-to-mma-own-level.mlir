// RUN: fused-opt %s -split-input-file -fused-lower-to-mma | FileCheck %s

/// fused-lower-to-mma on its own level: a promoted GEMM kernel (the output
/// of fused-fuse, fused-tile and fused-promote-shared on a 32 x 32 x 32
/// f16 product, one warp, written out here) whose operands are copied to
/// shared memory by 16-byte cp.async only where every row of the buffer
/// starts on a 16-byte boundary: its strides and its offset.

/// Both operands dense: each copy is a 16-byte cp.async with zero-fill.
// CHECK-LABEL: gpu.func @gemm_gemm
// CHECK-SAME: (%{{.*}}: memref<32x32xf16>, %{{.*}}: memref<32x32xf16>, %{{.*}}: memref<32x32xf32>) kernel
// CHECK-NOT: memref.load %subview
// CHECK: nvgpu.device_async_copy
// CHECK-NOT: memref.load %subview
// CHECK: nvvm.cp.async.commit.group
#map = affine_map<(d0, d1, d2) -> (d0, d2)>
#map1 = affine_map<(d0, d1, d2) -> (d2, d1)>
#map2 = affine_map<(d0, d1, d2) -> (d0, d1)>
#map3 = affine_map<(d0, d1) -> (d0, d1)>
module {
  func.func @gemm(%arg0: tensor<32x32xf16>, %arg1: tensor<32x32xf16>) -> tensor<32x32xf32> {
    %0 = fused.launch @gemm_gemm(%arg0, %arg1) : (tensor<32x32xf16>, tensor<32x32xf16>) -> tensor<32x32xf32>
    return %0 : tensor<32x32xf32>
  }
  func.func private @gemm_gemm(%arg0: memref<32x32xf16>, %arg1: memref<32x32xf16>, %arg2: memref<32x32xf32>) attributes {fused.gemm_config = #fused.gemm_config<block = [32, 32, 32], warps = [1, 1], stages = 1>, fused.kernel_kind = #fused<kernel_kind gemm>, fused.promoted} {
    %c32 = arith.constant 32 : index
    scf.forall (%arg3, %arg4, %arg5) in (1, 1, 1) {
      %c32_0 = arith.constant 32 : index
      %0 = arith.muli %arg4, %c32_0 : index
      %c32_1 = arith.constant 32 : index
      %1 = arith.muli %arg5, %c32_1 : index
      %2 = arith.subi %c32, %0 : index
      %c32_2 = arith.constant 32 : index
      %3 = arith.minsi %c32_2, %2 : index
      %c0 = arith.constant 0 : index
      %4 = arith.maxsi %c0, %3 : index
      %c32_3 = arith.constant 32 : index
      %5 = arith.subi %c32_3, %1 : index
      %c32_4 = arith.constant 32 : index
      %6 = arith.minsi %c32_4, %5 : index
      %c0_5 = arith.constant 0 : index
      %7 = arith.maxsi %c0_5, %6 : index
      %alloca = memref.alloca() : memref<32x32xf32>
      %cst = arith.constant 0.000000e+00 : f32
      linalg.fill ins(%cst : f32) outs(%alloca : memref<32x32xf32>)
      %subview = memref.subview %alloca[0, 0] [%4, %7] [1, 1] : memref<32x32xf32> to memref<?x?xf32, strided<[32, 1]>>
      %c1 = arith.constant 1 : index
      %c1_6 = arith.constant 1 : index
      %c0_7 = arith.constant 0 : index
      %alloc = memref.alloc() {fused.swizzle = #fused<swizzle xor16>} : memref<1x32x32xf16, #gpu.address_space<workgroup>>
      %alloc_8 = memref.alloc() {fused.swizzle = #fused<swizzle xor16>} : memref<1x32x32xf16, #gpu.address_space<workgroup>>
      scf.for %arg6 = %c0_7 to %c1_6 step %c1 {
        %c32_10 = arith.constant 32 : index
        %8 = arith.muli %arg6, %c32_10 : index
        %c0_11 = arith.constant 0 : index
        %c32_12 = arith.constant 32 : index
        %c32_13 = arith.constant 32 : index
        %9 = arith.subi %c32_13, %8 : index
        %10 = arith.minsi %c32_12, %9 : index
        %11 = arith.maxsi %c0_11, %10 : index
        %subview_14 = memref.subview %arg0[%0, %8] [%4, %11] [1, 1] : memref<32x32xf16> to memref<?x?xf16, strided<[32, 1], offset: ?>>
        %subview_15 = memref.subview %arg1[%8, %1] [%11, %7] [1, 1] : memref<32x32xf16> to memref<?x?xf16, strided<[32, 1], offset: ?>>
        %subview_16 = memref.subview %alloc[0, 0, 0] [1, 32, 32] [1, 1, 1] : memref<1x32x32xf16, #gpu.address_space<workgroup>> to memref<32x32xf16, strided<[32, 1]>, #gpu.address_space<workgroup>>
        fused.copy_tile %subview_14, %subview_16 : memref<?x?xf16, strided<[32, 1], offset: ?>>, memref<32x32xf16, strided<[32, 1]>, #gpu.address_space<workgroup>>
        %subview_17 = memref.subview %alloc_8[0, 0, 0] [1, 32, 32] [1, 1, 1] : memref<1x32x32xf16, #gpu.address_space<workgroup>> to memref<32x32xf16, strided<[32, 1]>, #gpu.address_space<workgroup>>
        fused.copy_tile %subview_15, %subview_17 : memref<?x?xf16, strided<[32, 1], offset: ?>>, memref<32x32xf16, strided<[32, 1]>, #gpu.address_space<workgroup>>
        fused.async_commit
        fused.async_wait pending = 0
        %c0_18 = arith.constant 0 : index
        %subview_19 = memref.subview %alloc[%c0_18, 0, 0] [1, 32, 32] [1, 1, 1] : memref<1x32x32xf16, #gpu.address_space<workgroup>> to memref<32x32xf16, strided<[32, 1], offset: ?>, #gpu.address_space<workgroup>>
        %subview_20 = memref.subview %alloc_8[%c0_18, 0, 0] [1, 32, 32] [1, 1, 1] : memref<1x32x32xf16, #gpu.address_space<workgroup>> to memref<32x32xf16, strided<[32, 1], offset: ?>, #gpu.address_space<workgroup>>
        scf.forall (%arg7, %arg8) in (1, 1) {
          %c32_21 = arith.constant 32 : index
          %12 = arith.muli %arg7, %c32_21 : index
          %c32_22 = arith.constant 32 : index
          %13 = arith.muli %arg8, %c32_22 : index
          %subview_23 = memref.subview %subview_19[%12, 0] [32, 32] [1, 1] : memref<32x32xf16, strided<[32, 1], offset: ?>, #gpu.address_space<workgroup>> to memref<32x32xf16, strided<[32, 1], offset: ?>, #gpu.address_space<workgroup>>
          %subview_24 = memref.subview %subview_20[0, %13] [32, 32] [1, 1] : memref<32x32xf16, strided<[32, 1], offset: ?>, #gpu.address_space<workgroup>> to memref<32x32xf16, strided<[32, 1], offset: ?>, #gpu.address_space<workgroup>>
          %subview_25 = memref.subview %alloca[%12, %13] [32, 32] [1, 1] : memref<32x32xf32> to memref<32x32xf32, strided<[32, 1], offset: ?>>
          linalg.generic {indexing_maps = [#map, #map1, #map2], iterator_types = ["parallel", "parallel", "reduction"]} ins(%subview_23, %subview_24 : memref<32x32xf16, strided<[32, 1], offset: ?>, #gpu.address_space<workgroup>>, memref<32x32xf16, strided<[32, 1], offset: ?>, #gpu.address_space<workgroup>>) outs(%subview_25 : memref<32x32xf32, strided<[32, 1], offset: ?>>) attrs =  {fused.role = #fused<role mma>} {
          ^bb0(%in: f16, %in_26: f16, %out: f32):
            %14 = arith.extf %in_26 : f16 to f32
            %15 = arith.extf %in : f16 to f32
            %16 = arith.mulf %15, %14 : f32
            %17 = arith.addf %out, %16 : f32
            linalg.yield %17 : f32
          }
        } {mapping = [#gpu.warp<y>, #gpu.warp<x>]}
      }
      fused.async_wait pending = 0
      %subview_9 = memref.subview %arg2[%0, %1] [%4, %7] [1, 1] : memref<32x32xf32> to memref<?x?xf32, strided<[32, 1], offset: ?>>
      linalg.generic {indexing_maps = [#map3, #map3], iterator_types = ["parallel", "parallel"]} ins(%subview : memref<?x?xf32, strided<[32, 1]>>) outs(%subview_9 : memref<?x?xf32, strided<[32, 1], offset: ?>>) attrs =  {fused.role = #fused<role epilogue>} {
      ^bb0(%in: f32, %out: f32):
        linalg.yield %in : f32
      }
      memref.dealloc %alloc : memref<1x32x32xf16, #gpu.address_space<workgroup>>
      memref.dealloc %alloc_8 : memref<1x32x32xf16, #gpu.address_space<workgroup>>
    } {mapping = [#gpu.block<z>, #gpu.block<y>, #gpu.block<x>]}
    return
  }
}


// -----

/// A starts 8 bytes into its buffer (offset 4 elements): its rows are not
/// 16-byte aligned, so A is read element by element (guarded loads, each
/// 16-byte chunk then stored to shared memory at once) while B keeps its
/// cp.async copies.
// CHECK-LABEL: gpu.func @gemm_gemm
// CHECK-SAME: (%[[A:[^:]*]]: memref<32x32xf16, strided<[32, 1], offset: 4>>, %{{.*}}: memref<32x32xf16>
// CHECK: %[[AV:.*]] = memref.subview %[[A]]
// CHECK-NOT: nvgpu.device_async_copy
// CHECK: memref.load %[[AV]]
// CHECK: vector.store {{.*}} {alignment = 16 : i64} : {{.*}}#gpu.address_space<workgroup>>, vector<8xf16>
// CHECK: nvgpu.device_async_copy
// CHECK: nvvm.cp.async.commit.group
#map = affine_map<(d0, d1, d2) -> (d0, d2)>
#map1 = affine_map<(d0, d1, d2) -> (d2, d1)>
#map2 = affine_map<(d0, d1, d2) -> (d0, d1)>
#map3 = affine_map<(d0, d1) -> (d0, d1)>
module {
  func.func @gemm(%arg0: tensor<32x32xf16>, %arg1: tensor<32x32xf16>) -> tensor<32x32xf32> {
    %0 = fused.launch @gemm_gemm(%arg0, %arg1) : (tensor<32x32xf16>, tensor<32x32xf16>) -> tensor<32x32xf32>
    return %0 : tensor<32x32xf32>
  }
  func.func private @gemm_gemm(%arg0: memref<32x32xf16, strided<[32, 1], offset: 4>>, %arg1: memref<32x32xf16>, %arg2: memref<32x32xf32>) attributes {fused.gemm_config = #fused.gemm_config<block = [32, 32, 32], warps = [1, 1], stages = 1>, fused.kernel_kind = #fused<kernel_kind gemm>, fused.promoted} {
    %c32 = arith.constant 32 : index
    scf.forall (%arg3, %arg4, %arg5) in (1, 1, 1) {
      %c32_0 = arith.constant 32 : index
      %0 = arith.muli %arg4, %c32_0 : index
      %c32_1 = arith.constant 32 : index
      %1 = arith.muli %arg5, %c32_1 : index
      %2 = arith.subi %c32, %0 : index
      %c32_2 = arith.constant 32 : index
      %3 = arith.minsi %c32_2, %2 : index
      %c0 = arith.constant 0 : index
      %4 = arith.maxsi %c0, %3 : index
      %c32_3 = arith.constant 32 : index
      %5 = arith.subi %c32_3, %1 : index
      %c32_4 = arith.constant 32 : index
      %6 = arith.minsi %c32_4, %5 : index
      %c0_5 = arith.constant 0 : index
      %7 = arith.maxsi %c0_5, %6 : index
      %alloca = memref.alloca() : memref<32x32xf32>
      %cst = arith.constant 0.000000e+00 : f32
      linalg.fill ins(%cst : f32) outs(%alloca : memref<32x32xf32>)
      %subview = memref.subview %alloca[0, 0] [%4, %7] [1, 1] : memref<32x32xf32> to memref<?x?xf32, strided<[32, 1]>>
      %c1 = arith.constant 1 : index
      %c1_6 = arith.constant 1 : index
      %c0_7 = arith.constant 0 : index
      %alloc = memref.alloc() {fused.swizzle = #fused<swizzle xor16>} : memref<1x32x32xf16, #gpu.address_space<workgroup>>
      %alloc_8 = memref.alloc() {fused.swizzle = #fused<swizzle xor16>} : memref<1x32x32xf16, #gpu.address_space<workgroup>>
      scf.for %arg6 = %c0_7 to %c1_6 step %c1 {
        %c32_10 = arith.constant 32 : index
        %8 = arith.muli %arg6, %c32_10 : index
        %c0_11 = arith.constant 0 : index
        %c32_12 = arith.constant 32 : index
        %c32_13 = arith.constant 32 : index
        %9 = arith.subi %c32_13, %8 : index
        %10 = arith.minsi %c32_12, %9 : index
        %11 = arith.maxsi %c0_11, %10 : index
        %subview_14 = memref.subview %arg0[%0, %8] [%4, %11] [1, 1] : memref<32x32xf16, strided<[32, 1], offset: 4>> to memref<?x?xf16, strided<[32, 1], offset: ?>>
        %subview_15 = memref.subview %arg1[%8, %1] [%11, %7] [1, 1] : memref<32x32xf16> to memref<?x?xf16, strided<[32, 1], offset: ?>>
        %subview_16 = memref.subview %alloc[0, 0, 0] [1, 32, 32] [1, 1, 1] : memref<1x32x32xf16, #gpu.address_space<workgroup>> to memref<32x32xf16, strided<[32, 1]>, #gpu.address_space<workgroup>>
        fused.copy_tile %subview_14, %subview_16 : memref<?x?xf16, strided<[32, 1], offset: ?>>, memref<32x32xf16, strided<[32, 1]>, #gpu.address_space<workgroup>>
        %subview_17 = memref.subview %alloc_8[0, 0, 0] [1, 32, 32] [1, 1, 1] : memref<1x32x32xf16, #gpu.address_space<workgroup>> to memref<32x32xf16, strided<[32, 1]>, #gpu.address_space<workgroup>>
        fused.copy_tile %subview_15, %subview_17 : memref<?x?xf16, strided<[32, 1], offset: ?>>, memref<32x32xf16, strided<[32, 1]>, #gpu.address_space<workgroup>>
        fused.async_commit
        fused.async_wait pending = 0
        %c0_18 = arith.constant 0 : index
        %subview_19 = memref.subview %alloc[%c0_18, 0, 0] [1, 32, 32] [1, 1, 1] : memref<1x32x32xf16, #gpu.address_space<workgroup>> to memref<32x32xf16, strided<[32, 1], offset: ?>, #gpu.address_space<workgroup>>
        %subview_20 = memref.subview %alloc_8[%c0_18, 0, 0] [1, 32, 32] [1, 1, 1] : memref<1x32x32xf16, #gpu.address_space<workgroup>> to memref<32x32xf16, strided<[32, 1], offset: ?>, #gpu.address_space<workgroup>>
        scf.forall (%arg7, %arg8) in (1, 1) {
          %c32_21 = arith.constant 32 : index
          %12 = arith.muli %arg7, %c32_21 : index
          %c32_22 = arith.constant 32 : index
          %13 = arith.muli %arg8, %c32_22 : index
          %subview_23 = memref.subview %subview_19[%12, 0] [32, 32] [1, 1] : memref<32x32xf16, strided<[32, 1], offset: ?>, #gpu.address_space<workgroup>> to memref<32x32xf16, strided<[32, 1], offset: ?>, #gpu.address_space<workgroup>>
          %subview_24 = memref.subview %subview_20[0, %13] [32, 32] [1, 1] : memref<32x32xf16, strided<[32, 1], offset: ?>, #gpu.address_space<workgroup>> to memref<32x32xf16, strided<[32, 1], offset: ?>, #gpu.address_space<workgroup>>
          %subview_25 = memref.subview %alloca[%12, %13] [32, 32] [1, 1] : memref<32x32xf32> to memref<32x32xf32, strided<[32, 1], offset: ?>>
          linalg.generic {indexing_maps = [#map, #map1, #map2], iterator_types = ["parallel", "parallel", "reduction"]} ins(%subview_23, %subview_24 : memref<32x32xf16, strided<[32, 1], offset: ?>, #gpu.address_space<workgroup>>, memref<32x32xf16, strided<[32, 1], offset: ?>, #gpu.address_space<workgroup>>) outs(%subview_25 : memref<32x32xf32, strided<[32, 1], offset: ?>>) attrs =  {fused.role = #fused<role mma>} {
          ^bb0(%in: f16, %in_26: f16, %out: f32):
            %14 = arith.extf %in_26 : f16 to f32
            %15 = arith.extf %in : f16 to f32
            %16 = arith.mulf %15, %14 : f32
            %17 = arith.addf %out, %16 : f32
            linalg.yield %17 : f32
          }
        } {mapping = [#gpu.warp<y>, #gpu.warp<x>]}
      }
      fused.async_wait pending = 0
      %subview_9 = memref.subview %arg2[%0, %1] [%4, %7] [1, 1] : memref<32x32xf32> to memref<?x?xf32, strided<[32, 1], offset: ?>>
      linalg.generic {indexing_maps = [#map3, #map3], iterator_types = ["parallel", "parallel"]} ins(%subview : memref<?x?xf32, strided<[32, 1]>>) outs(%subview_9 : memref<?x?xf32, strided<[32, 1], offset: ?>>) attrs =  {fused.role = #fused<role epilogue>} {
      ^bb0(%in: f32, %out: f32):
        linalg.yield %in : f32
      }
      memref.dealloc %alloc : memref<1x32x32xf16, #gpu.address_space<workgroup>>
      memref.dealloc %alloc_8 : memref<1x32x32xf16, #gpu.address_space<workgroup>>
    } {mapping = [#gpu.block<z>, #gpu.block<y>, #gpu.block<x>]}
    return
  }
}


// -----

/// A starts 16 bytes into its buffer (offset 8 elements): rows stay
/// 16-byte aligned and both operands are copied by cp.async.
// CHECK-LABEL: gpu.func @gemm_gemm
// CHECK-SAME: (%{{[^:]*}}: memref<32x32xf16, strided<[32, 1], offset: 8>>
// CHECK-NOT: memref.load %subview
// CHECK: nvgpu.device_async_copy
// CHECK-NOT: memref.load %subview
// CHECK: nvvm.cp.async.commit.group
#map = affine_map<(d0, d1, d2) -> (d0, d2)>
#map1 = affine_map<(d0, d1, d2) -> (d2, d1)>
#map2 = affine_map<(d0, d1, d2) -> (d0, d1)>
#map3 = affine_map<(d0, d1) -> (d0, d1)>
module {
  func.func @gemm(%arg0: tensor<32x32xf16>, %arg1: tensor<32x32xf16>) -> tensor<32x32xf32> {
    %0 = fused.launch @gemm_gemm(%arg0, %arg1) : (tensor<32x32xf16>, tensor<32x32xf16>) -> tensor<32x32xf32>
    return %0 : tensor<32x32xf32>
  }
  func.func private @gemm_gemm(%arg0: memref<32x32xf16, strided<[32, 1], offset: 8>>, %arg1: memref<32x32xf16>, %arg2: memref<32x32xf32>) attributes {fused.gemm_config = #fused.gemm_config<block = [32, 32, 32], warps = [1, 1], stages = 1>, fused.kernel_kind = #fused<kernel_kind gemm>, fused.promoted} {
    %c32 = arith.constant 32 : index
    scf.forall (%arg3, %arg4, %arg5) in (1, 1, 1) {
      %c32_0 = arith.constant 32 : index
      %0 = arith.muli %arg4, %c32_0 : index
      %c32_1 = arith.constant 32 : index
      %1 = arith.muli %arg5, %c32_1 : index
      %2 = arith.subi %c32, %0 : index
      %c32_2 = arith.constant 32 : index
      %3 = arith.minsi %c32_2, %2 : index
      %c0 = arith.constant 0 : index
      %4 = arith.maxsi %c0, %3 : index
      %c32_3 = arith.constant 32 : index
      %5 = arith.subi %c32_3, %1 : index
      %c32_4 = arith.constant 32 : index
      %6 = arith.minsi %c32_4, %5 : index
      %c0_5 = arith.constant 0 : index
      %7 = arith.maxsi %c0_5, %6 : index
      %alloca = memref.alloca() : memref<32x32xf32>
      %cst = arith.constant 0.000000e+00 : f32
      linalg.fill ins(%cst : f32) outs(%alloca : memref<32x32xf32>)
      %subview = memref.subview %alloca[0, 0] [%4, %7] [1, 1] : memref<32x32xf32> to memref<?x?xf32, strided<[32, 1]>>
      %c1 = arith.constant 1 : index
      %c1_6 = arith.constant 1 : index
      %c0_7 = arith.constant 0 : index
      %alloc = memref.alloc() {fused.swizzle = #fused<swizzle xor16>} : memref<1x32x32xf16, #gpu.address_space<workgroup>>
      %alloc_8 = memref.alloc() {fused.swizzle = #fused<swizzle xor16>} : memref<1x32x32xf16, #gpu.address_space<workgroup>>
      scf.for %arg6 = %c0_7 to %c1_6 step %c1 {
        %c32_10 = arith.constant 32 : index
        %8 = arith.muli %arg6, %c32_10 : index
        %c0_11 = arith.constant 0 : index
        %c32_12 = arith.constant 32 : index
        %c32_13 = arith.constant 32 : index
        %9 = arith.subi %c32_13, %8 : index
        %10 = arith.minsi %c32_12, %9 : index
        %11 = arith.maxsi %c0_11, %10 : index
        %subview_14 = memref.subview %arg0[%0, %8] [%4, %11] [1, 1] : memref<32x32xf16, strided<[32, 1], offset: 8>> to memref<?x?xf16, strided<[32, 1], offset: ?>>
        %subview_15 = memref.subview %arg1[%8, %1] [%11, %7] [1, 1] : memref<32x32xf16> to memref<?x?xf16, strided<[32, 1], offset: ?>>
        %subview_16 = memref.subview %alloc[0, 0, 0] [1, 32, 32] [1, 1, 1] : memref<1x32x32xf16, #gpu.address_space<workgroup>> to memref<32x32xf16, strided<[32, 1]>, #gpu.address_space<workgroup>>
        fused.copy_tile %subview_14, %subview_16 : memref<?x?xf16, strided<[32, 1], offset: ?>>, memref<32x32xf16, strided<[32, 1]>, #gpu.address_space<workgroup>>
        %subview_17 = memref.subview %alloc_8[0, 0, 0] [1, 32, 32] [1, 1, 1] : memref<1x32x32xf16, #gpu.address_space<workgroup>> to memref<32x32xf16, strided<[32, 1]>, #gpu.address_space<workgroup>>
        fused.copy_tile %subview_15, %subview_17 : memref<?x?xf16, strided<[32, 1], offset: ?>>, memref<32x32xf16, strided<[32, 1]>, #gpu.address_space<workgroup>>
        fused.async_commit
        fused.async_wait pending = 0
        %c0_18 = arith.constant 0 : index
        %subview_19 = memref.subview %alloc[%c0_18, 0, 0] [1, 32, 32] [1, 1, 1] : memref<1x32x32xf16, #gpu.address_space<workgroup>> to memref<32x32xf16, strided<[32, 1], offset: ?>, #gpu.address_space<workgroup>>
        %subview_20 = memref.subview %alloc_8[%c0_18, 0, 0] [1, 32, 32] [1, 1, 1] : memref<1x32x32xf16, #gpu.address_space<workgroup>> to memref<32x32xf16, strided<[32, 1], offset: ?>, #gpu.address_space<workgroup>>
        scf.forall (%arg7, %arg8) in (1, 1) {
          %c32_21 = arith.constant 32 : index
          %12 = arith.muli %arg7, %c32_21 : index
          %c32_22 = arith.constant 32 : index
          %13 = arith.muli %arg8, %c32_22 : index
          %subview_23 = memref.subview %subview_19[%12, 0] [32, 32] [1, 1] : memref<32x32xf16, strided<[32, 1], offset: ?>, #gpu.address_space<workgroup>> to memref<32x32xf16, strided<[32, 1], offset: ?>, #gpu.address_space<workgroup>>
          %subview_24 = memref.subview %subview_20[0, %13] [32, 32] [1, 1] : memref<32x32xf16, strided<[32, 1], offset: ?>, #gpu.address_space<workgroup>> to memref<32x32xf16, strided<[32, 1], offset: ?>, #gpu.address_space<workgroup>>
          %subview_25 = memref.subview %alloca[%12, %13] [32, 32] [1, 1] : memref<32x32xf32> to memref<32x32xf32, strided<[32, 1], offset: ?>>
          linalg.generic {indexing_maps = [#map, #map1, #map2], iterator_types = ["parallel", "parallel", "reduction"]} ins(%subview_23, %subview_24 : memref<32x32xf16, strided<[32, 1], offset: ?>, #gpu.address_space<workgroup>>, memref<32x32xf16, strided<[32, 1], offset: ?>, #gpu.address_space<workgroup>>) outs(%subview_25 : memref<32x32xf32, strided<[32, 1], offset: ?>>) attrs =  {fused.role = #fused<role mma>} {
          ^bb0(%in: f16, %in_26: f16, %out: f32):
            %14 = arith.extf %in_26 : f16 to f32
            %15 = arith.extf %in : f16 to f32
            %16 = arith.mulf %15, %14 : f32
            %17 = arith.addf %out, %16 : f32
            linalg.yield %17 : f32
          }
        } {mapping = [#gpu.warp<y>, #gpu.warp<x>]}
      }
      fused.async_wait pending = 0
      %subview_9 = memref.subview %arg2[%0, %1] [%4, %7] [1, 1] : memref<32x32xf32> to memref<?x?xf32, strided<[32, 1], offset: ?>>
      linalg.generic {indexing_maps = [#map3, #map3], iterator_types = ["parallel", "parallel"]} ins(%subview : memref<?x?xf32, strided<[32, 1]>>) outs(%subview_9 : memref<?x?xf32, strided<[32, 1], offset: ?>>) attrs =  {fused.role = #fused<role epilogue>} {
      ^bb0(%in: f32, %out: f32):
        linalg.yield %in : f32
      }
      memref.dealloc %alloc : memref<1x32x32xf16, #gpu.address_space<workgroup>>
      memref.dealloc %alloc_8 : memref<1x32x32xf16, #gpu.address_space<workgroup>>
    } {mapping = [#gpu.block<z>, #gpu.block<y>, #gpu.block<x>]}
    return
  }
}

