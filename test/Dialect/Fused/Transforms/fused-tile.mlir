// RUN: fused-opt %s -split-input-file -fused-fuse -fused-tile -verify-diagnostics | FileCheck %s

/// The default configuration for a large GEMM, and the structure of the
/// tiled kernel function: block grid, accumulator, K loop, warp grid,
/// contraction, epilogue; the kernel is replaced by a launch.
// CHECK-LABEL: func.func @gemm_bias
// CHECK-SAME: (%[[A:.*]]: tensor<1000x1000xf16>, %[[B:.*]]: tensor<1000x1000xf16>, %[[C:.*]]: tensor<1000xf32>)
// CHECK: %[[R:.*]] = fused.launch @gemm_bias_gemm(%[[A]], %[[B]], %[[C]]) : (tensor<1000x1000xf16>, tensor<1000x1000xf16>, tensor<1000xf32>) -> tensor<1000x1000xf16>
// CHECK: return %[[R]]
// CHECK-LABEL: func.func private @gemm_bias_gemm
// CHECK-SAME: (%{{.*}}: memref<1000x1000xf16>, %{{.*}}: memref<1000x1000xf16>, %{{.*}}: memref<1000xf32>, %{{.*}}: memref<1000x1000xf16>)
// CHECK-SAME: fused.gemm_config = #fused.gemm_config<block = [128, 128, 32], warps = [2, 4], stages = 4>
// CHECK-SAME: fused.kernel_kind = #fused<kernel_kind gemm>
// CHECK: scf.forall (%{{.*}}, %{{.*}}, %{{.*}}) in (1, 8, 8)
// CHECK: memref.alloca() : memref<128x128xf32>
// CHECK: linalg.fill
// CHECK: scf.for
// CHECK: scf.forall (%{{.*}}, %{{.*}}) in (2, 4)
// CHECK: linalg.generic
// CHECK-SAME: fused.role = #fused<role mma>
// CHECK: } {mapping = [#gpu.warp<y>, #gpu.warp<x>]}
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : memref<?x?xf32, strided<[128, 1]>>, memref<?xf32, strided<[1], offset: ?>>)
// CHECK-SAME: fused.role = #fused<role epilogue>
// CHECK: math.tanh
// CHECK: arith.truncf %{{.*}} : f32 to f16
// CHECK: } {mapping = [#gpu.block<z>, #gpu.block<y>, #gpu.block<x>]}
func.func @gemm_bias(%a: tensor<1000x1000xf16>, %b: tensor<1000x1000xf16>, %bias: tensor<1000xf32>) -> tensor<1000x1000xf16> {
  %c = fused.matmul %a, %b : tensor<1000x1000xf16>, tensor<1000x1000xf16> -> tensor<1000x1000xf32>
  %d = fused.add %c, %bias : tensor<1000x1000xf32>, tensor<1000xf32> -> tensor<1000x1000xf32>
  %e = fused.gelu tanh %d : tensor<1000x1000xf32>
  %f = fused.cast %e : tensor<1000x1000xf32> to tensor<1000x1000xf16>
  return %f : tensor<1000x1000xf16>
}

// -----

/// An explicit configuration on the matmul wins over the heuristic; a
/// batch of 3 goes to the grid; the rank-2 B is shared by every batch.
// CHECK-LABEL: func.func private @explicit_config_gemm
// CHECK-SAME: fused.gemm_config = #fused.gemm_config<block = [64, 64, 32], warps = [2, 2], stages = 3>
// CHECK: scf.forall (%{{.*}}, %{{.*}}, %{{.*}}) in (3, 2, 2)
// CHECK: memref.alloca() : memref<64x64xf32>
// CHECK: scf.forall (%{{.*}}, %{{.*}}) in (2, 2)
func.func @explicit_config(%a: tensor<3x100x40xbf16>, %b: tensor<40x70xbf16>) -> tensor<3x100x70xf32> {
  %c = fused.matmul %a, %b {fused.config = #fused.gemm_config<block = [64, 64, 32], warps = [2, 2], stages = 3>} : tensor<3x100x40xbf16>, tensor<40x70xbf16> -> tensor<3x100x70xf32>
  return %c : tensor<3x100x70xf32>
}

// -----

/// Small M picks a short block: M = 1 uses 16-row blocks of one warp row.
// CHECK-LABEL: func.func private @gemv_gemm
// CHECK-SAME: fused.gemm_config = #fused.gemm_config<block = [16, 128, 32], warps = [1, 4], stages = 4>
// CHECK: scf.forall (%{{.*}}, %{{.*}}, %{{.*}}) in (1, 1, 32)
func.func @gemv(%a: tensor<1x512xf16>, %b: tensor<512x4096xf16>) -> tensor<1x4096xf32> {
  %c = fused.matmul %a, %b : tensor<1x512xf16>, tensor<512x4096xf16> -> tensor<1x4096xf32>
  return %c : tensor<1x4096xf32>
}

// -----

/// Kernels of other kinds are not tiled (yet) and stay as they are.
// CHECK-LABEL: func.func @negative_softmax_untouched
// CHECK: fused.kernel softmax
// CHECK-NOT: fused.launch
func.func @negative_softmax_untouched(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %s = fused.softmax %x axis = 1 : tensor<4x8xf32>
  return %s : tensor<4x8xf32>
}

// -----

/// Code generation takes f16, bf16 and f32 operands; not 8-bit floats yet.
func.func @fp8_operands(%a: tensor<4x8xf8E4M3FN>, %b: tensor<8x4xf8E4M3FN>) -> tensor<4x4xf32> {
  // expected-error @+1 {{'fused.kernel' op tensor-core code generation supports f16, bf16 and f32 matmul operands, got 'f8E4M3FN'}}
  %c = fused.matmul %a, %b : tensor<4x8xf8E4M3FN>, tensor<8x4xf8E4M3FN> -> tensor<4x4xf32>
  return %c : tensor<4x4xf32>
}

// -----

/// A static K of 0 is refused with what to write instead.
func.func @empty_k(%a: tensor<16x0xf16>, %b: tensor<0x32xf16>) -> tensor<16x32xf32> {
  // expected-error @+1 {{'fused.kernel' op GEMM code generation needs a non-empty contraction (K = 0 here: the product is all zeros); write K as a dynamic size (?) to take 0 at run time}}
  %c = fused.matmul %a, %b : tensor<16x0xf16>, tensor<0x32xf16> -> tensor<16x32xf32>
  return %c : tensor<16x32xf32>
}

// -----

/// Dynamic sizes are read from the descriptors: the batch and N from the
/// output, K from A. The grid's z axis is the batch, its x axis
/// ceil(N / 128); the K loop runs to ceil(K / 32); the K tile clips to K.
// CHECK-LABEL: func.func @dynamic_sizes(
// CHECK: fused.launch @dynamic_sizes_gemm
// CHECK-LABEL: func.func private @dynamic_sizes_gemm
// CHECK-SAME: (%[[A:.*]]: memref<?x4x?xf16>, %{{.*}}: memref<?x?x?xf16>, %[[O:.*]]: memref<?x4x?xf32>)
// CHECK-SAME: fused.gemm_config = #fused.gemm_config<block = [16, 128, 32], warps = [1, 4], stages = 4>
// CHECK-DAG: %[[N:.*]] = memref.dim %[[O]], %c2
// CHECK-DAG: %[[K:.*]] = memref.dim %[[A]], %c2
// CHECK-DAG: %[[BATCH:.*]] = memref.dim %[[O]], %c0
// CHECK: %[[NT:.*]] = arith.divui %{{.*}}, %c128
// CHECK: scf.forall (%{{.*}}, %{{.*}}, %{{.*}}) in (%[[BATCH]], 1, %[[NT]])
// CHECK: %[[KT:.*]] = arith.divui %{{.*}}, %c32
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[KT]] step
func.func @dynamic_sizes(%a: tensor<?x4x?xf16>, %b: tensor<?x?x?xf16>) -> tensor<?x4x?xf32> {
  %c = fused.matmul %a, %b : tensor<?x4x?xf16>, tensor<?x?x?xf16> -> tensor<?x4x?xf32>
  return %c : tensor<?x4x?xf32>
}

// -----

/// fused.config must hold a GEMM configuration.
func.func @bad_config(%a: tensor<4x8xf16>, %b: tensor<8x4xf16>) -> tensor<4x4xf32> {
  // expected-error @+1 {{'fused.matmul' op 'fused.config' must be a #fused.gemm_config, got 3 : i64}}
  %c = fused.matmul %a, %b {fused.config = 3} : tensor<4x8xf16>, tensor<8x4xf16> -> tensor<4x4xf32>
  return %c : tensor<4x4xf32>
}

// -----

/// f16 accumulation is not generated yet.
func.func @f16_accumulator(%a: tensor<4x8xf16>, %b: tensor<8x4xf16>) -> tensor<4x4xf16> {
  // expected-error @+1 {{'fused.kernel' op code generation accumulates in f32; acc_type 'f16' is not supported yet}}
  %c = fused.matmul %a, %b {acc_type = f16} : tensor<4x8xf16>, tensor<8x4xf16> -> tensor<4x4xf16>
  return %c : tensor<4x4xf16>
}
