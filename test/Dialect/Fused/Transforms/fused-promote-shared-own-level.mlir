// RUN: fused-opt %s -fused-promote-shared | FileCheck %s

/// fused-promote-shared on its own level: a tiled GEMM kernel function (the
/// output of fused-fuse and fused-tile on a 32 x 32 x 64 f16 product with a
/// 32 x 32 x 32 block of one warp and two stages, written out here). Each
/// operand gets a ring of two xor16-swizzled 32 x 32 tiles in workgroup
/// memory; a prologue copies K tile 0 and commits; the K loop waits for it,
/// prefetches the next tile into the other stage, commits, and contracts on
/// the shared tiles; the function is marked promoted.
// CHECK-LABEL: func.func private @gemm_gemm
// CHECK-SAME: fused.promoted
// CHECK: memref.alloc() {fused.swizzle = #fused<swizzle xor16>} : memref<2x32x32xf16, #gpu.address_space<workgroup>>
// CHECK: memref.alloc() {fused.swizzle = #fused<swizzle xor16>} : memref<2x32x32xf16, #gpu.address_space<workgroup>>
// CHECK: fused.copy_tile %{{.*}}, %{{.*}} : memref<?x?xf16, strided<[64, 1], offset: ?>>, memref<32x32xf16, strided<[32, 1]>, #gpu.address_space<workgroup>>
// CHECK: fused.copy_tile
// CHECK: fused.async_commit
// CHECK: scf.for
// CHECK: fused.async_wait pending = 0
// CHECK: fused.copy_tile
// CHECK: fused.copy_tile
// CHECK: fused.async_commit
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : memref<32x32xf16, strided<[32, 1], offset: ?>, #gpu.address_space<workgroup>>, memref<32x32xf16, strided<[32, 1], offset: ?>, #gpu.address_space<workgroup>>)
// CHECK-SAME: fused.role = #fused<role mma>
// CHECK: fused.async_wait pending = 0
// CHECK: fused.role = #fused<role epilogue>

#map = affine_map<(d0, d1, d2) -> (d0, d2)>
#map1 = affine_map<(d0, d1, d2) -> (d2, d1)>
#map2 = affine_map<(d0, d1, d2) -> (d0, d1)>
#map3 = affine_map<(d0, d1) -> (d0, d1)>
module {
  func.func @gemm(%arg0: tensor<32x64xf16>, %arg1: tensor<64x32xf16>) -> tensor<32x32xf32> {
    %0 = fused.launch @gemm_gemm(%arg0, %arg1) : (tensor<32x64xf16>, tensor<64x32xf16>) -> tensor<32x32xf32>
    return %0 : tensor<32x32xf32>
  }
  func.func private @gemm_gemm(%arg0: memref<32x64xf16>, %arg1: memref<64x32xf16>, %arg2: memref<32x32xf32>) attributes {fused.gemm_config = #fused.gemm_config<block = [32, 32, 32], warps = [1, 1], stages = 2>, fused.kernel_kind = #fused<kernel_kind gemm>} {
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
      %c2 = arith.constant 2 : index
      %c0_6 = arith.constant 0 : index
      scf.for %arg6 = %c0_6 to %c2 step %c1 {
        %c32_8 = arith.constant 32 : index
        %8 = arith.muli %arg6, %c32_8 : index
        %c64 = arith.constant 64 : index
        %9 = arith.subi %c64, %8 : index
        %c32_9 = arith.constant 32 : index
        %10 = arith.minsi %c32_9, %9 : index
        %c0_10 = arith.constant 0 : index
        %11 = arith.maxsi %c0_10, %10 : index
        %subview_11 = memref.subview %arg0[%0, %8] [%4, %11] [1, 1] : memref<32x64xf16> to memref<?x?xf16, strided<[64, 1], offset: ?>>
        %subview_12 = memref.subview %arg1[%8, %1] [%11, %7] [1, 1] : memref<64x32xf16> to memref<?x?xf16, strided<[32, 1], offset: ?>>
        scf.forall (%arg7, %arg8) in (1, 1) {
          %c32_13 = arith.constant 32 : index
          %12 = arith.muli %arg7, %c32_13 : index
          %c32_14 = arith.constant 32 : index
          %13 = arith.muli %arg8, %c32_14 : index
          %14 = arith.subi %4, %12 : index
          %c32_15 = arith.constant 32 : index
          %15 = arith.minsi %c32_15, %14 : index
          %c0_16 = arith.constant 0 : index
          %16 = arith.maxsi %c0_16, %15 : index
          %17 = arith.subi %7, %13 : index
          %c32_17 = arith.constant 32 : index
          %18 = arith.minsi %c32_17, %17 : index
          %c0_18 = arith.constant 0 : index
          %19 = arith.maxsi %c0_18, %18 : index
          %subview_19 = memref.subview %subview_11[%12, 0] [%16, %11] [1, 1] : memref<?x?xf16, strided<[64, 1], offset: ?>> to memref<?x?xf16, strided<[64, 1], offset: ?>>
          %subview_20 = memref.subview %subview_12[0, %13] [%11, %19] [1, 1] : memref<?x?xf16, strided<[32, 1], offset: ?>> to memref<?x?xf16, strided<[32, 1], offset: ?>>
          %subview_21 = memref.subview %subview[%12, %13] [%16, %19] [1, 1] : memref<?x?xf32, strided<[32, 1]>> to memref<?x?xf32, strided<[32, 1], offset: ?>>
          linalg.generic {indexing_maps = [#map, #map1, #map2], iterator_types = ["parallel", "parallel", "reduction"]} ins(%subview_19, %subview_20 : memref<?x?xf16, strided<[64, 1], offset: ?>>, memref<?x?xf16, strided<[32, 1], offset: ?>>) outs(%subview_21 : memref<?x?xf32, strided<[32, 1], offset: ?>>) attrs =  {fused.role = #fused<role mma>} {
          ^bb0(%in: f16, %in_22: f16, %out: f32):
            %20 = arith.extf %in_22 : f16 to f32
            %21 = arith.extf %in : f16 to f32
            %22 = arith.mulf %21, %20 : f32
            %23 = arith.addf %out, %22 : f32
            linalg.yield %23 : f32
          }
        } {mapping = [#gpu.warp<y>, #gpu.warp<x>]}
      }
      %subview_7 = memref.subview %arg2[%0, %1] [%4, %7] [1, 1] : memref<32x32xf32> to memref<?x?xf32, strided<[32, 1], offset: ?>>
      linalg.generic {indexing_maps = [#map3, #map3], iterator_types = ["parallel", "parallel"]} ins(%subview : memref<?x?xf32, strided<[32, 1]>>) outs(%subview_7 : memref<?x?xf32, strided<[32, 1], offset: ?>>) attrs =  {fused.role = #fused<role epilogue>} {
      ^bb0(%in: f32, %out: f32):
        linalg.yield %in : f32
      }
    } {mapping = [#gpu.block<z>, #gpu.block<y>, #gpu.block<x>]}
    return
  }
}

