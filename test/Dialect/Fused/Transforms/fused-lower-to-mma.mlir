// RUN: fused-opt %s -split-input-file -fused-fuse -fused-tile -fused-promote-shared -fused-lower-to-mma -verify-diagnostics | FileCheck %s

/// f16 operands, B row-major (K x N): a per-thread kernel with the launch
/// geometry, shared memory as views of dynamic shared memory, cp.async
/// copies into swizzled positions, ldmatrix (plain for A, .trans for B),
/// mma.sync on four f32 accumulators per warp (32x16 warp tile) carried by
/// the K loop, an epilogue on each accumulator element into a staging tile
/// in shared memory, and 16-byte stores of the output.
// CHECK: module attributes {gpu.container_module}
// CHECK-LABEL: func.func @gemm
// CHECK: fused.launch @fused_kernels::@gemm_gemm
// CHECK: gpu.module @fused_kernels
// CHECK: gpu.func @gemm_gemm(%[[A:.*]]: memref<40x48xf16>, %[[B:.*]]: memref<48x24xf16>, %[[C:.*]]: memref<40x24xf32>) kernel
// CHECK-SAME: fused.launch = #fused.launch<grid = [1, 2, 1], block = [64, 1, 1], shared = 8192, outputs = 1>
// CHECK-SAME: known_block_size = array<i32: 64, 1, 1>
// CHECK: %[[SMEM:.*]] = gpu.dynamic_shared_memory : memref<?xi8, #gpu.address_space<workgroup>>
// CHECK: %[[TID:.*]] = gpu.thread_id x
// CHECK: gpu.block_id y
// CHECK: memref.view %[[SMEM]][%{{.*}}][] {fused.swizzle = #fused<swizzle xor16>} : memref<?xi8, #gpu.address_space<workgroup>> to memref<2x32x32xf16, #gpu.address_space<workgroup>>
// CHECK: memref.view %[[SMEM]][%{{.*}}][] {fused.swizzle = #fused<swizzle xor16>} : memref<?xi8, #gpu.address_space<workgroup>> to memref<2x32x32xf16, #gpu.address_space<workgroup>>
// CHECK: arith.xori
// CHECK: nvgpu.device_async_copy %{{.*}}, %{{.*}}, 8, %{{.*}} {bypassL1}
// CHECK: nvvm.cp.async.commit.group
// CHECK: scf.for %{{.*}} iter_args(%{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}) -> (vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>, vector<2x2xf32>)
// CHECK: nvvm.cp.async.wait.group 0
// CHECK-NEXT: gpu.barrier
// CHECK: nvgpu.ldmatrix %{{.*}} {numTiles = 4 : i32, transpose = false} : memref<32x32xf16, {{.*}}#gpu.address_space<workgroup>> -> vector<4x2xf16>
// CHECK: nvgpu.ldmatrix %{{.*}} {numTiles = 4 : i32, transpose = true} : memref<32x32xf16, {{.*}}#gpu.address_space<workgroup>> -> vector<4x2xf16>
// CHECK-COUNT-4: nvgpu.mma.sync
// CHECK: scf.yield
// CHECK-NOT: memref.alloc
// CHECK: %[[STAGE:.*]] = memref.view %[[SMEM]][%{{.*}}][] : memref<?xi8, #gpu.address_space<workgroup>> to memref<32x32xf32, #gpu.address_space<workgroup>>
// CHECK: scf.if
// CHECK: vector.extract
// CHECK: vector.from_elements %{{.*}}, %{{.*}} : vector<2xf32>
// CHECK: vector.store %{{.*}}, %[[STAGE]][%{{.*}}, %{{.*}}] {alignment = 8 : i64} : memref<32x32xf32, #gpu.address_space<workgroup>>, vector<2xf32>
// CHECK: gpu.barrier
// CHECK: vector.load %[[STAGE]][%{{.*}}, %{{.*}}] {alignment = 16 : i64} : memref<32x32xf32, #gpu.address_space<workgroup>>, vector<4xf32>
// CHECK: vector.store %{{.*}}, %{{.*}}[%{{.*}}, %{{.*}}] {alignment = 16 : i64} : memref<?x?xf32, {{.*}}>, vector<4xf32>
// CHECK: gpu.return
func.func @gemm(%a: tensor<40x48xf16>, %b: tensor<48x24xf16>) -> tensor<40x24xf32> {
  %c = fused.matmul %a, %b {fused.config = #fused.gemm_config<block = [32, 32, 32], warps = [1, 2], stages = 2>} : tensor<40x48xf16>, tensor<48x24xf16> -> tensor<40x24xf32>
  return %c : tensor<40x24xf32>
}

// -----

/// bf16 goes through nvvm.mma.sync on 32-bit registers; transposed B (N x K)
/// is read with plain ldmatrix.
// CHECK-LABEL: gpu.func @bf16_transposed_gemm
// CHECK: nvgpu.ldmatrix %{{.*}} {numTiles = 4 : i32, transpose = false} {{.*}} -> vector<4x2xbf16>
// CHECK-NOT: transpose = true
// CHECK: nvvm.mma.sync A[{{.*}}] B[{{.*}}] C[{{.*}}] {layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>, multiplicandAPtxType = #nvvm.mma_type<bf16>, multiplicandBPtxType = #nvvm.mma_type<bf16>, shape = #nvvm.shape<m = 16, n = 8, k = 16>}
func.func @bf16_transposed(%a: tensor<32x32xbf16>, %b: tensor<16x32xbf16>) -> tensor<32x16xf32> {
  %c = fused.matmul %a, %b {transpose_b, fused.config = #fused.gemm_config<block = [32, 16, 32], warps = [2, 1], stages = 1>} : tensor<32x32xbf16>, tensor<16x32xbf16> -> tensor<32x16xf32>
  return %c : tensor<32x16xf32>
}

// -----

/// Rows of B that are not 16-byte aligned (N = 9 halves) are read element
/// by element instead of with cp.async (each 16-byte chunk stored to shared
/// memory at once), and so is the output written (9 floats a row): no
/// vector store to global memory.
// CHECK-LABEL: gpu.func @unaligned_gemm
// CHECK: nvgpu.device_async_copy
// CHECK: memref.load %{{.*}} : memref<?x?xf16, strided<[9, 1], offset: ?>>
// CHECK: vector.store %{{.*}} {alignment = 16 : i64} : memref<32x16xf16, strided<[16, 1], offset: ?>, #gpu.address_space<workgroup>>, vector<8xf16>
// CHECK: gpu.barrier
// CHECK-NOT: vector.store %{{.*}} : memref<?x?xf32
// CHECK: gpu.return
func.func @unaligned(%a: tensor<16x32xf16>, %b: tensor<32x9xf16>) -> tensor<16x9xf32> {
  %c = fused.matmul %a, %b {fused.config = #fused.gemm_config<block = [16, 16, 32], warps = [1, 1], stages = 2>} : tensor<16x32xf16>, tensor<32x9xf16> -> tensor<16x9xf32>
  return %c : tensor<16x9xf32>
}

// -----

/// Nothing to do without promoted kernels.
// CHECK-LABEL: func.func @negative_no_kernels
// CHECK-NOT: gpu.module
func.func @negative_no_kernels(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

// -----

/// A function marked as a promoted kernel must carry its configuration.
// expected-error @+1 {{'func.func' op promoted kernel has no fused.gemm_config}}
func.func private @no_config(%x: memref<4xf16>) attributes {fused.promoted} {
  return
}

// -----

/// ... and the thread-block loop that fused-tile makes.
// expected-error @+1 {{'func.func' op expected a 3-D thread-block scf.forall}}
func.func private @no_grid(%x: memref<4xf16>) attributes {fused.promoted, fused.gemm_config = #fused.gemm_config<block = [32, 32, 32], warps = [1, 1], stages = 1>} {
  return
}
