// RUN: fused-opt %s -fused-tile | FileCheck %s

/// fused-tile on its own level: a fused.kernel gemm as fused-fuse leaves it
/// (a matmul, a bias add and a cast), written out here. The kernel becomes
/// a launch of a kernel function on memrefs with the heuristic's
/// configuration for 40 x 24 x 48 (a 64 x 32 block of one warp, two
/// stages), a block grid, a warp grid whose contraction is marked as the
/// MMA and the bias and cast as the epilogue.
// CHECK-LABEL: func.func @gemm_bias
// CHECK-SAME: (%[[A:.*]]: tensor<40x48xf16>, %[[B:.*]]: tensor<48x24xf16>, %[[C:.*]]: tensor<24xf32>)
// CHECK-NOT: fused.kernel
// CHECK: %[[R:.*]] = fused.launch @gemm_bias_gemm(%[[A]], %[[B]], %[[C]]) : (tensor<40x48xf16>, tensor<48x24xf16>, tensor<24xf32>) -> tensor<40x24xf16>
// CHECK: return %[[R]]
// CHECK-LABEL: func.func private @gemm_bias_gemm
// CHECK-SAME: (%{{.*}}: memref<40x48xf16>, %{{.*}}: memref<48x24xf16>, %{{.*}}: memref<24xf32>, %{{.*}}: memref<40x24xf16>)
// CHECK-SAME: fused.gemm_config = #fused.gemm_config<block = [64, 32, 32], warps = [1, 1], stages = 2>
// CHECK-SAME: fused.kernel_kind = #fused<kernel_kind gemm>
// CHECK: scf.forall ({{.*}}) in (1, 1, 1)
// CHECK: scf.for
// CHECK: scf.forall ({{.*}}) in (1, 1)
// CHECK: linalg.generic
// CHECK-SAME: fused.role = #fused<role mma>
// CHECK: linalg.generic
// CHECK-SAME: fused.role = #fused<role epilogue>
// CHECK: arith.addf
// CHECK: arith.truncf
func.func @gemm_bias(%arg0: tensor<40x48xf16>, %arg1: tensor<48x24xf16>, %arg2: tensor<24xf32>) -> tensor<40x24xf16> {
  %0 = fused.kernel gemm ins(%arg0, %arg1, %arg2 : tensor<40x48xf16>, tensor<48x24xf16>, tensor<24xf32>) -> tensor<40x24xf16> {
  ^bb0(%arg3: tensor<40x48xf16>, %arg4: tensor<48x24xf16>, %arg5: tensor<24xf32>):
    %1 = fused.matmul %arg3, %arg4 : tensor<40x48xf16>, tensor<48x24xf16> -> tensor<40x24xf32>
    %2 = fused.add %1, %arg5 : tensor<40x24xf32>, tensor<24xf32> -> tensor<40x24xf32>
    %3 = fused.cast %2 : tensor<40x24xf32> to tensor<40x24xf16>
    fused.yield %3 : tensor<40x24xf16>
  }
  return %0 : tensor<40x24xf16>
}
